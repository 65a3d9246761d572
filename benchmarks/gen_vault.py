"""Generate a synthetic studycards vault for benchmarks.

Usage:
    python benchmarks/gen_vault.py N DIR [--seed S] [--base-date YYYY-MM-DD]

Writes ``DIR/studycards.yaml`` and N notes under ``DIR/notes/<Topic>/<title>.md`` spread over
30 topic folders, in the same format as real interview notes: YAML frontmatter (created,
last_reviewed, next_review, review_count, difficulty, mastery_level, tags, related_outlines),
an H1 title, a short answer with 30-second and 2-3 minute versions, a deep dive, 3-6 follow-up
Q&A pairs, a summary, delivery tips and a generated related-notes block.

About 70% of the notes are Chinese and 30% English; about 10% are coding-question notes.
Sentences are assembled from per-topic vocabulary, so notes in the same topic share more words
with each other than with notes from other topics. Sizes are 3-12 KB per note. next_review is
spread from 60 days before to 60 days after the base date (default 2026-11-24).

The output is deterministic for a given N, --seed and --base-date. Existing files with the
same names are overwritten; nothing else in DIR is touched. Only the standard library is used.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import time
from pathlib import Path
from random import Random

MIN_BYTES = 3000
MAX_BYTES = 12000

# One block per topic: "@Folder" then "中文术语 = english term" lines. Folder names may contain
# spaces or Chinese characters on purpose, to exercise path handling.
TOPICS_RAW = """
@Attention
注意力权重 = attention weights
查询向量 = query vector
键向量 = key vector
值向量 = value vector
缩放因子 = scaling factor
注意力掩码 = attention mask
多头注意力 = multi-head attention
交叉注意力 = cross-attention
自注意力 = self-attention
注意力分数 = attention scores
softmax归一化 = softmax normalization
软对齐 = soft alignment
@Transformer
残差连接 = residual connection
层归一化 = layer normalization
前馈网络 = feed-forward network
位置编码 = positional encoding
编码器 = encoder stack
解码器 = decoder stack
旋转位置编码 = rotary embedding
词嵌入 = token embedding
输出投影 = output projection
激活函数 = activation function
模型深度 = model depth
隐藏维度 = hidden size
@Inference
KV缓存 = KV cache
预填充 = prefill
解码阶段 = decode phase
连续批处理 = continuous batching
投机解码 = speculative decoding
显存带宽 = memory bandwidth
首token延迟 = time to first token
吞吐量 = throughput
分页注意力 = paged attention
采样温度 = sampling temperature
束搜索 = beam search
算子融合 = kernel fusion
@Optimization
学习率 = learning rate
动量 = momentum
Adam优化器 = Adam optimizer
权重衰减 = weight decay
学习率预热 = warmup schedule
梯度裁剪 = gradient clipping
余弦退火 = cosine decay
二阶矩估计 = second moment estimate
鞍点 = saddle point
批大小 = batch size
损失曲面 = loss landscape
收敛速度 = convergence rate
@Regularization
过拟合 = overfitting
随机失活 = dropout
L2正则 = L2 penalty
数据增强 = data augmentation
早停 = early stopping
标签平滑 = label smoothing
偏差方差权衡 = bias-variance tradeoff
验证集 = validation set
模型容量 = model capacity
噪声注入 = noise injection
泛化误差 = generalization error
模型集成 = ensembling
@CNN
卷积核 = convolution kernel
感受野 = receptive field
池化层 = pooling layer
步长 = stride
边缘填充 = zero padding
特征图 = feature map
残差块 = residual block
批归一化 = batch normalization
深度可分离卷积 = depthwise separable convolution
通道数 = channel count
空洞卷积 = dilated convolution
上采样 = upsampling
@RNN
隐藏状态 = hidden state
梯度消失 = vanishing gradient
长短期记忆 = LSTM cell
门控循环单元 = GRU cell
遗忘门 = forget gate
时间反向传播 = backpropagation through time
序列建模 = sequence modeling
双向循环网络 = bidirectional RNN
教师强制 = teacher forcing
梯度爆炸 = exploding gradient
截断反传 = truncated BPTT
循环展开 = unrolling
@Tokenization
分词器 = tokenizer
字节对编码 = byte pair encoding
词表大小 = vocabulary size
子词单元 = subword unit
未登录词 = out-of-vocabulary word
合并规则 = merge rules
特殊符号 = special tokens
字节级回退 = byte fallback
句子切分模型 = sentencepiece model
Unicode归一化 = unicode normalization
词元数量 = token count
预分词 = pre-tokenization
@Embedding
词向量 = word embedding
余弦相似度 = cosine similarity
负采样 = negative sampling
对比学习 = contrastive learning
向量维度 = embedding dimension
语义空间 = semantic space
句向量 = sentence embedding
近邻搜索 = nearest neighbor search
温度系数 = temperature parameter
难负样本 = hard negatives
各向异性 = anisotropy
池化策略 = pooling strategy
@Pretraining
预训练语料 = pretraining corpus
掩码语言模型 = masked language modeling
自回归目标 = autoregressive objective
缩放定律 = scaling laws
数据去重 = deduplication
训练稳定性 = training stability
损失尖峰 = loss spikes
计算预算 = compute budget
数据配比 = data mixture
上下文长度 = context length
检查点保存 = checkpointing
困惑度 = perplexity
@FineTuning
指令微调 = instruction tuning
低秩适配 = LoRA adapters
全参数微调 = full fine-tuning
灾难性遗忘 = catastrophic forgetting
参数高效微调 = parameter-efficient tuning
适配器层 = adapter layers
提示模板 = prompt template
低秩分解的秩 = adapter rank
冻结层 = frozen layers
量化微调 = QLoRA training
学习率倍率 = learning rate multiplier
验证损失 = validation loss
@RLHF
奖励模型 = reward model
偏好数据 = preference data
策略优化 = policy optimization
近端策略优化 = PPO clipping
KL惩罚 = KL penalty
直接偏好优化 = direct preference optimization
奖励黑客 = reward hacking
参考模型 = reference model
优势估计 = advantage estimation
人类反馈 = human feedback
价值网络 = value network
拒绝采样 = rejection sampling
@Distributed
数据并行 = data parallelism
张量并行 = tensor parallelism
流水线并行 = pipeline parallelism
梯度同步 = gradient all-reduce
ZeRO分片 = ZeRO sharding
通信开销 = communication overhead
激活重计算 = activation checkpointing
微批次 = micro-batch
流水线气泡 = pipeline bubble
集合通信 = collective operations
混合精度 = mixed precision
节点间带宽 = interconnect bandwidth
@Quantization
量化位宽 = bit width
对称量化 = symmetric quantization
缩放系数 = scale factor
零点 = zero point
训练后量化 = post-training quantization
量化感知训练 = quantization-aware training
离群通道 = outlier channels
分组量化 = group-wise quantization
校准集 = calibration set
仅权重量化 = weight-only quantization
反量化 = dequantization
精度损失 = accuracy drop
@Retrieval
检索增强生成 = retrieval-augmented generation
向量数据库 = vector database
倒排索引 = inverted index
BM25打分 = BM25 scoring
重排序 = reranking
召回率 = recall
文档切块 = document chunking
混合检索 = hybrid search
查询改写 = query rewriting
近似最近邻 = approximate nearest neighbor
上下文窗口 = context window
引用溯源 = citation grounding
@Evaluation
准确率 = accuracy
精确率 = precision
F1分数 = F1 score
混淆矩阵 = confusion matrix
ROC曲线 = ROC curve
曲线下面积 = AUC metric
交叉验证 = cross-validation
基准测试 = benchmark suite
数据泄漏 = data leakage
显著性检验 = significance test
人工评估 = human evaluation
校准误差 = calibration error
@Diffusion
前向加噪 = forward diffusion
去噪网络 = denoising network
噪声调度 = noise schedule
采样步数 = sampling steps
无分类器引导 = classifier-free guidance
潜空间 = latent space
变分下界 = variational bound
得分函数 = score function
DDIM采样 = DDIM sampler
条件生成 = conditional generation
U-Net骨干 = U-Net backbone
信噪比 = signal-to-noise ratio
@GNN
消息传递 = message passing
邻接矩阵 = adjacency matrix
图卷积 = graph convolution
节点嵌入 = node embedding
过平滑 = oversmoothing
邻居采样 = neighbor sampling
图注意力 = graph attention
读出函数 = readout function
异构图 = heterogeneous graph
拉普拉斯矩阵 = graph Laplacian
链接预测 = link prediction
子图采样 = subgraph sampling
@RecSys
协同过滤 = collaborative filtering
召回阶段 = candidate generation
排序模型 = ranking model
点击率预估 = click-through rate prediction
特征交叉 = feature crossing
冷启动 = cold start
双塔模型 = two-tower model
曝光偏差 = exposure bias
用户画像 = user profile
负反馈 = negative feedback
多目标排序 = multi-objective ranking
在线实验 = online experiment
@概率统计
条件概率 = conditional probability
贝叶斯定理 = Bayes theorem
数学期望 = expectation
方差 = variance
最大似然估计 = maximum likelihood estimation
先验分布 = prior distribution
中心极限定理 = central limit theorem
假设检验 = hypothesis testing
置信区间 = confidence interval
大数定律 = law of large numbers
协方差 = covariance
采样偏差 = sampling bias
@LinearAlgebra
特征值 = eigenvalue
奇异值分解 = singular value decomposition
矩阵的秩 = matrix rank
正交矩阵 = orthogonal matrix
矩阵乘法 = matrix multiplication
向量范数 = vector norm
正交投影 = orthogonal projection
低秩近似 = low-rank approximation
条件数 = condition number
正定矩阵 = positive definite matrix
线性变换 = linear map
行列式 = determinant
@Python
生成器 = generator function
装饰器 = decorator
全局解释器锁 = global interpreter lock
上下文管理器 = context manager
垃圾回收 = garbage collection
引用计数 = reference counting
异步协程 = asyncio coroutine
元类 = metaclass
列表推导式 = list comprehension
可变默认参数 = mutable default argument
描述符 = descriptor protocol
类型注解 = type hints
@Algorithms
动态规划 = dynamic programming
二分查找 = binary search
哈希表 = hash table
双指针 = two pointers
滑动窗口技巧 = sliding window technique
优先队列 = priority queue
深度优先搜索 = depth-first search
广度优先搜索 = breadth-first search
拓扑排序 = topological sort
并查集 = union-find
单调栈 = monotonic stack
时间复杂度 = time complexity
@Database
事务隔离级别 = transaction isolation
B+树索引 = B+ tree index
查询优化器 = query optimizer
预写日志 = write-ahead log
多版本并发控制 = MVCC snapshot
死锁检测 = deadlock detection
主从复制 = replication lag
分库分表 = sharding
联合索引 = composite index
慢查询 = slow query
数据库范式 = normal form
行级锁 = row-level lock
@操作系统
进程调度 = process scheduling
虚拟内存 = virtual memory
页表 = page table
上下文切换 = context switch
系统调用 = system call
互斥锁 = mutex
信号量 = semaphore
缺页中断 = page fault
文件描述符 = file descriptor
写时复制 = copy-on-write
线程池 = thread pool
内存映射 = memory-mapped file
@计算机网络
TCP三次握手 = TCP handshake
拥塞控制 = congestion control
流量控制窗口 = flow control window
DNS解析 = DNS resolution
TLS握手 = TLS handshake
负载均衡 = load balancing
长连接 = keep-alive connection
丢包重传 = retransmission
网络延迟 = network latency
端口复用 = port reuse
队头阻塞 = head-of-line blocking
内容分发网络 = content delivery network
@System Design
限流 = rate limiting
缓存一致性 = cache consistency
消息队列 = message queue
水平扩展 = horizontal scaling
一致性哈希 = consistent hashing
幂等性 = idempotency
服务降级 = graceful degradation
分布式锁 = distributed lock
读写分离 = read-write splitting
熔断 = circuit breaker
最终一致性 = eventual consistency
可用性 = availability
@Linux
进程状态 = process state
管道 = pipe
权限位 = file permissions
环境变量 = environment variable
信号处理 = signal handling
软链接 = symbolic link
文件系统 = filesystem
定时任务 = cron job
日志轮转 = log rotation
资源限制 = ulimit settings
网络命名空间 = network namespace
性能剖析 = profiling
@MLOps
特征存储 = feature store
模型注册表 = model registry
持续训练 = continuous training
数据漂移 = data drift
模型监控 = model monitoring
灰度发布 = canary release
实验追踪 = experiment tracking
推理服务 = model serving
可复现性 = reproducibility
数据版本管理 = data versioning
流水线编排 = pipeline orchestration
回滚 = rollback
@MoE
专家混合 = mixture of experts
路由网络 = router network
负载均衡损失 = load balancing loss
专家容量 = expert capacity
Top-k路由 = top-k routing
稀疏激活 = sparse activation
专家并行 = expert parallelism
token丢弃 = token dropping
共享专家 = shared experts
辅助损失 = auxiliary loss
路由崩塌 = routing collapse
激活参数量 = active parameters
"""

ZH_QUALITY = (
    "效率 稳定性 准确率 延迟 吞吐量 内存占用 可解释性 鲁棒性 可扩展性 泛化能力 实现复杂度 训练速度"
).split()
EN_QUALITY = [
    "efficiency",
    "stability",
    "accuracy",
    "latency",
    "throughput",
    "memory use",
    "interpretability",
    "robustness",
    "scalability",
    "generalisation",
    "implementation complexity",
    "training speed",
]

# Sentence templates: {a} {b} {c} are topic terms, {x} {y} quality words, {n} a small number.
ZH_SENTENCES = """
{a}的核心思想是借助{b}来减少{x}方面的损失。
在实际工程中，{a}通常和{b}配合使用，以兼顾{x}与{y}。
面试时建议先说明{a}要解决的问题，再对比{b}的不足。
当数据规模扩大到原来的{n}倍时，{a}往往最先成为瓶颈，需要重新评估{b}。
很多人把{a}和{b}混为一谈，实际上前者关注{x}，后者关注{y}。
从实现角度看，{a}的关键在于正确处理{b}的边界情况。
如果忽略{a}，{b}的效果通常会下降{n}%左右，这只是经验值。
{a}并不是万能的：在{b}很小或者{c}不稳定时，收益有限。
可以把{a}理解为对{b}的一种约束，用少量{x}换取更好的{y}。
调试{a}时，先固定{b}，再逐步调整{c}，更容易定位问题。
论文中通常把{a}作为基线，再围绕{b}做消融实验。
{a}的开销主要来自{b}，优化时应优先从这里入手。
与{b}相比，{a}的{x}更好，但调参更困难。
线上系统里，{a}的监控指标一般包括{x}和{y}。
一个常见误区是认为{a}越大越好，实际上它与{b}之间存在权衡。
理解{a}最快的方法是手算一个只有{n}个元素的小例子。
{a}、{b}和{c}经常一起出现，最好能画出三者的关系图。
当{a}表现异常时，首先检查{b}是否配置正确。
{a}的设计动机可以追溯到{b}在早期方案中暴露的问题。
在资源受限的场景下，可以用{b}近似{a}，代价是{x}略有下降。
{a}对{c}非常敏感，因此调参时要同时记录{b}的变化。
换个角度看，{b}其实是{a}在{x}约束下的特例。
实践经验表明，先把{a}做对，再考虑{b}带来的{y}提升，效果更稳。
""".strip().splitlines()

EN_SENTENCES = """
The key idea behind {a} is to use {b} so that {x} does not degrade.
In production, {a} is usually combined with {b} to balance {x} and {y}.
A good answer first states the problem {a} solves, then contrasts it with {b}.
When the workload grows by {n}x, {a} tends to become the bottleneck before {b} does.
People often confuse {a} with {b}; the first is about {x}, the second about {y}.
Most of the implementation effort in {a} goes into the edge cases of {b}.
Skipping {a} typically costs around {n}% in {x}, though that is only a rule of thumb.
{a} is not free: when {b} is small or {c} is noisy, the gain is marginal.
Think of {a} as a constraint on {b} that trades a little {x} for better {y}.
When debugging {a}, freeze {b} first and then vary {c} one step at a time.
Papers usually treat {a} as the baseline and run ablations over {b}.
The cost of {a} is dominated by {b}, so that is where optimisation should start.
Compared with {b}, {a} gives better {x} but is harder to tune.
Dashboards for {a} normally track {x} and {y} side by side.
A common mistake is assuming that more {a} is always better; it trades off against {b}.
The fastest way to understand {a} is a tiny example with {n} elements worked by hand.
{a}, {b} and {c} tend to appear together, so be ready to sketch how they interact.
If {a} misbehaves, first check whether {b} is configured correctly.
The motivation for {a} goes back to problems that {b} exposed in earlier designs.
Under tight resource limits, {b} can approximate {a} at the cost of some {x}.
{a} is sensitive to {c}, so log changes in {b} whenever you tune it.
Seen from another angle, {b} is a special case of {a} under tight {x} constraints.
In practice, getting {a} right first and only then chasing {y} through {b} works better.
""".strip().splitlines()

ZH_TITLES = """
{a}的原理与实现
{a}与{b}的区别
为什么需要{a}
{a}在{b}中的作用
如何理解{a}
{a}的常见问题与优化
{a}的优缺点分析
{a}和{b}如何配合使用
{a}的设计动机
面试中如何讲清楚{a}
{a}对{b}的影响
""".strip().splitlines()

ZH_CODING_TITLES = """
手写{a}
用Python实现{a}
{a}的代码实现
实现一个简化版{a}
""".strip().splitlines()

EN_TITLES = """
How {a} works
{a} vs {b}
Why {a} matters for {b}
Common pitfalls of {a}
Explaining {a} in an interview
Trade-offs of {a}
When to use {a} instead of {b}
{a} from first principles
""".strip().splitlines()

ZH_QUESTIONS = """
{a}和{b}有什么区别？
为什么{a}能改善{x}？
{a}在什么情况下会失效？
线上如何监控{a}？
{a}的复杂度是多少，瓶颈在哪里？
如果去掉{a}会发生什么？
{a}有哪些常见变体？
怎样用一句话向非技术人员解释{a}？
{a}与{b}能否同时使用？
排查{a}相关的问题时先看什么？
""".strip().splitlines()

EN_QUESTIONS = """
How does {a} differ from {b}?
Why does {a} improve {x}?
When does {a} break down?
How would you monitor {a} in production?
What is the cost of {a}, and where is the bottleneck?
What happens if you remove {a}?
Which variants of {a} are common?
How would you explain {a} to a non-specialist?
Can {a} and {b} be used together?
What do you check first when {a} misbehaves?
""".strip().splitlines()

ZH_SUBTITLES = """
{a}的基本原理
{a}与{b}的关系
实现细节
复杂度分析
常见误区
工程实践中的{a}
{a}的演进
实验与观察
{a}的数学推导
边界情况
""".strip().splitlines()

EN_SUBTITLES = """
How {a} works
{a} and {b}
Implementation details
Complexity
Common pitfalls
{a} in practice
History of {a}
Experiments
Derivation
Edge cases
""".strip().splitlines()

ZH_TIPS = """
先给结论，再展开细节
用{a}举一个具体例子
主动对比{a}与{b}
承认{a}的局限，说明适用范围
30秒版本控制在五句话以内
画图说明{a}的数据流
提到{x}与{y}的权衡
结尾可以延伸到{b}
""".strip().splitlines()

ZH_COMMENTS = """
第{n}步：处理{a}
这里要注意{a}的边界
用{a}代替{b}，降低开销
先检查{b}是否为空
更新{a}，保持{x}
记录{b}，方便调试
""".strip().splitlines()

EN_COMMENTS = """
step {n}: handle {a}
careful with {a} here
use {a} instead of {b} to save work
check that {b} is not empty
update {a} while keeping {x}
log {b} for debugging
""".strip().splitlines()

ZH_LABELS = ["问题背景", "核心机制", "关键细节", "取舍", "适用场景", "常见误区"]
EN_LABELS = ["Background", "Mechanism", "Details", "Trade-offs", "When to use it", "Pitfalls"]

_YAML_SAFE = re.compile(r"[A-Za-z0-9\u4e00-\u9fff(][^#:'\"]*")


class Topic:
    __slots__ = ("name", "zh", "en", "idents", "used", "notes")

    def __init__(self, name: str, pairs: list[tuple[str, str]]) -> None:
        self.name = name
        self.zh = [p[0] for p in pairs]
        self.en = [p[1] for p in pairs]
        self.idents = [re.sub(r"[^a-z0-9]+", "_", e.lower()).strip("_") for e in self.en]
        self.used: set[str] = set()
        self.notes: list[str] = []  # titles already written, for related-note links


def parse_topics() -> list[Topic]:
    topics: list[Topic] = []
    name = ""
    pairs: list[tuple[str, str]] = []
    for line in TOPICS_RAW.strip().splitlines():
        if line.startswith("@"):
            if name:
                topics.append(Topic(name, pairs))
            name, pairs = line[1:], []
        else:
            zh, en = (s.strip() for s in line.split("="))
            pairs.append((zh, en))
    topics.append(Topic(name, pairs))
    return topics


def yaml_str(s: str) -> str:
    """Plain scalar when obviously safe, otherwise single-quoted."""
    if _YAML_SAFE.fullmatch(s) and not s.endswith(" "):
        return s
    return "'" + s.replace("'", "''") + "'"


class NoteWriter:
    """Builds one note at a time; all randomness comes from a single seeded Random."""

    def __init__(self, rng: Random, base: dt.date) -> None:
        self.rng = rng
        self.base = base

    # ---- vocabulary helpers -------------------------------------------------------------
    def _terms(self, topic: Topic, zh: bool) -> list[str]:
        return topic.zh if zh else topic.en

    def fill(self, template: str, focus: list[str], pool: list[str], zh: bool) -> str:
        # Hot path: index with rng.random() directly, which is much cheaper than choice/sample.
        rnd = self.rng.random
        pick: list[str] = []
        while len(pick) < 3:
            src = focus if rnd() < 0.65 else pool
            t = src[int(rnd() * len(src))]
            if t not in pick:
                pick.append(t)
        quality = ZH_QUALITY if zh else EN_QUALITY
        nq = len(quality)
        i = int(rnd() * nq)
        j = (i + 1 + int(rnd() * (nq - 1))) % nq
        n = 2 + int(rnd() * 15)
        out = template.format(a=pick[0], b=pick[1], c=pick[2], x=quality[i], y=quality[j], n=n)
        return out if zh else out[0].upper() + out[1:]

    def para(self, focus: list[str], pool: list[str], zh: bool, lo: int, hi: int) -> str:
        rnd = self.rng.random
        sents = ZH_SENTENCES if zh else EN_SENTENCES
        ns = len(sents)
        k = lo + int(rnd() * (hi - lo + 1))
        parts = [self.fill(sents[int(rnd() * ns)], focus, pool, zh) for _ in range(k)]
        return ("" if zh else " ").join(parts)

    def bullets(self, focus: list[str], pool: list[str], zh: bool, numbered: bool) -> str:
        r = self.rng
        lines = []
        for i, term in enumerate(r.sample(focus, r.randint(2, min(4, len(focus))))):
            body = self.para(focus, pool, zh, 1, 1)
            mark = f"{i + 1}." if numbered else "-"
            sep = "：" if zh else ": "
            lines.append(f"{mark} **{term}**{sep}{body}")
        return "\n".join(lines)

    def comment(self, topic: Topic, zh: bool) -> str:
        r = self.rng
        tmpl = r.choice(ZH_COMMENTS if zh else EN_COMMENTS)
        terms = self._terms(topic, zh)
        q = ZH_QUALITY if zh else EN_QUALITY
        return tmpl.format(a=r.choice(terms), b=r.choice(terms), x=r.choice(q), n=r.randint(1, 5))

    # ---- code fences --------------------------------------------------------------------
    def code_block(self, topic: Topic, zh: bool, long: bool = False, name: str = "") -> str:
        r = self.rng
        f, g, h = r.sample([i for i in topic.idents if i != name], 3)
        f = name or f
        c = lambda: self.comment(topic, zh)  # noqa: E731
        kind = 0 if long else r.randint(0, 3)
        if kind == 0:
            lines = [
                "```python",
                f"def {f}({g}, {h}=None):",
                f'    """{c()}"""',
                f"    # {c()}",
                f"    if {h} is None:",
                f"        {h} = {{}}",
                "    result = []",
                f"    for i, item in enumerate({g}):",
                f"        # {c()}",
                f"        score = {h}.get(item, 0) + i * {r.randint(2, 9)}",
                "        result.append((item, score))",
                f"    # {c()}",
                "    return sorted(result, key=lambda p: p[1])",
            ]
            if long:
                lines += [
                    "",
                    "",
                    f"def test_{f}():",
                    f"    # {c()}",
                    f"    out = {f}([3, 1, 2])",
                    "    assert len(out) == 3",
                    f"    # {c()}",
                    "    assert out[0][1] <= out[-1][1]",
                ]
        elif kind == 1:
            lines = [
                "```",
                f"# {c()}",
                f"{f} = init({g})",
                f"# {c()}",
                f"for step in range({r.randint(2, 64)}):",
                f"    {f} = update({f}, {h})  # {c()}",
                f"return {f}",
            ]
        elif kind == 2:
            lines = [
                "```python",
                "import math",
                "",
                f"# {c()}",
                f"{g} = [{', '.join(str(r.randint(1, 99)) for _ in range(5))}]",
                f"{f} = sum(math.log1p(v) for v in {g}) / len({g})  # {c()}",
                f"print({f!r}, round({f}, {r.randint(2, 4)}))",
            ]
        else:
            lines = [
                "```bash",
                f"# {c()}",
                f"python -m {f} --{h.replace('_', '-')} {r.randint(1, 32)}",
                f"# {c()}",
                f"grep -c {g} run.log",
            ]
        lines.append("```")
        return "\n".join(lines)

    def table(self, topic: Topic, zh: bool) -> str:
        r = self.rng
        terms = self._terms(topic, zh)
        q = ZH_QUALITY if zh else EN_QUALITY
        head = "| 方案 | 优点 | 缺点 | 适用场景 |" if zh else "| Option | Pro | Con | Use when |"
        rows = [head, "| --- | --- | --- | --- |"]
        for t in r.sample(terms, r.randint(2, 4)):
            a, b = r.sample(q, 2)
            u = r.choice(terms)
            rows.append(f"| {t} | {a} | {b} | {u} |")
        return "\n".join(rows)

    # ---- sections -----------------------------------------------------------------------
    def subsection(self, idx: int, topic: Topic, focus, pool, zh: bool, code: bool) -> str:
        r = self.rng
        subs = ZH_SUBTITLES if zh else EN_SUBTITLES
        title = self.fill(r.choice(subs), focus, pool, zh)
        parts = [f"### {idx}. {title}", self.para(focus, pool, zh, 2, 5)]
        roll = 0.0 if code else r.random()
        if roll < 0.35:
            parts.append(self.code_block(topic, zh))
        elif roll < 0.5:
            parts.append(self.table(topic, zh))
        elif roll < 0.75:
            parts.append(self.bullets(focus, pool, zh, numbered=False))
        if r.random() < 0.4:
            parts.append(self.para(focus, pool, zh, 1, 3))
        return "\n\n".join(parts) + "\n"

    def followups(self, focus, pool, zh: bool) -> str:
        r = self.rng
        if zh:
            head = "## 常见面试追问" if r.random() < 0.85 else "## 面试常见问题与回答"
        else:
            head = "## Follow-up questions"
        bold_style = r.random() < 0.15
        out = [head, ""]
        quality = ZH_QUALITY if zh else EN_QUALITY
        qs = r.sample(ZH_QUESTIONS if zh else EN_QUESTIONS, r.randint(3, 6))
        for i, qt in enumerate(qs, 1):
            a, b = r.choice(focus), r.choice(pool)
            q = qt.format(a=a, b=b, x=r.choice(quality))
            ans = self.para([a] + focus, pool, zh, 1, 3)
            if bold_style:
                out += [f"**Q: {q}**", f"A: {ans}", ""]
            else:
                out += [f"### Q{i}: {q}", f"**A:** {ans}", ""]
        return "\n".join(out)

    def tips(self, focus, pool) -> str:
        r = self.rng
        lines = ["## 面试技巧提示", ""]
        for i, t in enumerate(r.sample(ZH_TIPS, r.randint(3, 5)), 1):
            lines.append(f"{i}. {self.fill(t, focus, pool, True)}")
        return "\n".join(lines) + "\n"

    # ---- frontmatter --------------------------------------------------------------------
    def frontmatter(self, topic: Topic, fname: str) -> str:
        r = self.rng
        base = self.base
        quoted = r.random() < 0.8
        day = (lambda d: f"'{d.isoformat()}'") if quoted else (lambda d: d.isoformat())
        difficulty = r.choices(["easy", "medium", "hard"], weights=[25, 50, 25])[0]
        if r.random() < 0.3:  # never reviewed: due on the day it was created
            created = base - dt.timedelta(days=r.randint(0, 60))
            last, nxt, count, mastery = "null", day(created), 0, 0.0
        else:
            nr = r.randint(-60, 60)
            lr = min(nr, 0) - r.randint(1, 20)
            created = base + dt.timedelta(days=lr - r.randint(1, 200))
            last = day(base + dt.timedelta(days=lr))
            nxt = day(base + dt.timedelta(days=nr))
            count = r.randint(1, 12)
            mastery = round(r.uniform(0.05, 0.95), 2)
        return (
            "---\n"
            f"created: {day(created)}\n"
            f"last_reviewed: {last}\n"
            f"next_review: {nxt}\n"
            f"review_count: {count}\n"
            f"difficulty: {difficulty}\n"
            f"mastery_level: {mastery}\n"
            "tags:\n"
            f"- {yaml_str(topic.name)}\n"
            f"- {yaml_str(topic.name + '/' + fname)}\n"
            "related_outlines: []\n"
            "---\n"
        )

    def related(self, topic: Topic) -> str:
        r = self.rng
        if not topic.notes or r.random() < 0.1:
            return ""
        recent = topic.notes[-50:]
        k = min(len(recent), r.randint(1, 3))
        lines = ["---", "", "## 相关笔记", "<!-- 自动生成 -->", ""]
        sims = sorted((r.randint(15, 70) for _ in range(k)), reverse=True)
        for title, sim in zip(r.sample(recent, k), sims, strict=True):
            rel = f"{topic.name}/{title}.md"
            lines.append(f"- [{title}](notes/{rel}) - 相似度: {sim}% | 标签: {topic.name}, {rel}")
        return "\n".join(lines) + "\n"

    # ---- whole note ---------------------------------------------------------------------
    def title(self, topic: Topic, zh: bool, coding: bool) -> str:
        r = self.rng
        if coding:
            templates = ZH_CODING_TITLES
        else:
            templates = ZH_TITLES if zh else EN_TITLES
        terms = self._terms(topic, zh)
        for _ in range(6):
            a, b = r.sample(terms, 2)
            t = r.choice(templates).format(a=a, b=b)
            if not zh:
                t = t[0].upper() + t[1:]
            if t not in topic.used:
                break
        base_t, k = t, 2
        while t in topic.used:
            t = f"{base_t}（{k}）" if zh else f"{base_t}, part {k}"
            k += 1
        topic.used.add(t)
        return t

    def note(self, topic: Topic, all_topics: list[Topic]) -> tuple[str, str]:
        r = self.rng
        coding = r.random() < 0.1
        zh = coding or r.random() < 0.67
        title = self.title(topic, zh, coding)
        terms = self._terms(topic, zh)
        focus = r.sample(terms, 4)
        pool = list(terms)
        if r.random() < 0.2:  # a little cross-topic vocabulary, as in real notes
            pool += r.sample(self._terms(r.choice(all_topics), zh), 2)

        # the frontmatter is followed directly by the H1, without a blank line
        head = [self.frontmatter(topic, title + ".md") + f"# {title}\n"]
        tail: list[str] = []
        if coding:
            desc, oral = self._coding_head(topic, focus, pool)
            head.append(desc)
            deep_head = "## 思路讲解\n"
            # order: 题目描述, 思路讲解, 面试时的快速口述讲解, 代码实现, follow-ups
            tail.append(oral)
            # name the function after the term in the title
            name = next(i for z, i in zip(topic.zh, topic.idents, strict=True) if z in title)
            code = self.code_block(topic, True, long=True, name=name)
            tail.append("## 代码实现\n\n" + code + "\n")
        else:
            head += self._answer_head(focus, pool, zh)
            if zh:
                deep_head = r.choices(
                    ["## 深度讲解", "## 详细讲解", "## 详细技术解析", "## 详细解析"],
                    weights=[60, 20, 10, 10],
                )[0]
            else:
                deep_head = "## Deep dive"
            deep_head += "\n"

        tail.append(self.followups(focus, pool, zh))
        if zh:
            tail.append("## 总结\n\n" + self.para(focus, pool, True, 2, 4) + "\n")
            tail.append(self.tips(focus, pool))
        else:
            tail.append("## Summary\n\n" + self.para(focus, pool, False, 2, 4) + "\n")
        rel = self.related(topic)
        if rel:
            tail.append(rel)

        size = sum(len(s.encode()) + 1 for s in head + tail) + len(deep_head.encode()) + 1
        target = r.randint(MIN_BYTES, MAX_BYTES)
        deep = [deep_head]
        idx = 1
        code_first = r.random() < 0.7  # most notes carry at least one code fence
        while size < target or idx == 1:
            sub = self.subsection(idx, topic, focus, pool, zh, code_first and idx == 1)
            n = len(sub.encode()) + 1
            if size + n > MAX_BYTES:
                if size >= MIN_BYTES:
                    break
                continue  # try again for a shorter subsection
            deep.append(sub)
            size += n
            idx += 1
        text = "\n".join(head + deep + tail)
        topic.notes.append(title)
        return title, text

    def _answer_head(self, focus, pool, zh: bool) -> list[str]:
        r = self.rng
        if zh:
            roll = r.random()
            if roll < 0.12:
                head = "## 面试标准答案（可背诵）"
            elif roll < 0.16:
                head = "## 面试标准答案（精简版）"
            else:
                head = "## 面试标准答案"
            short_h, long_h = "### 核心要点（30秒版本）", "### 详细技术答案（2-3分钟版本）"
            labels = ZH_LABELS
        else:
            head = "## Short answer" if r.random() < 0.9 else "## Answer"
            short_h, long_h = "### 30-second version", "### 2-3 minute version"
            labels = EN_LABELS
        short = self.para(focus, pool, zh, 2, 3) + "\n" + self.bullets(focus, pool, zh, True)
        long_parts = []
        for lab in r.sample(labels, r.randint(2, 3)):
            lab_s = f"**{lab}：**" if zh else f"**{lab}.**"
            long_parts.append(lab_s + "\n" + self.para(focus, pool, zh, 2, 4))
        if r.random() < 0.05:  # no sub-split: the whole section is the short answer
            return [f"{head}\n\n{short}\n"]
        return [
            f"{head}\n\n{short_h}\n{short}\n",
            f"{long_h}\n\n" + "\n\n".join(long_parts) + "\n",
        ]

    def _coding_head(self, topic: Topic, focus, pool) -> list[str]:
        r = self.rng
        desc = "## 题目描述\n\n" + self.para(focus, pool, True, 2, 3) + "\n\n"
        desc += "要求：\n" + self.bullets(focus, pool, True, True) + "\n"
        oral = "## 面试时的快速口述讲解\n\n"
        if r.random() < 0.5:
            oral += "### 核心要点（30秒版本）\n" + self.para(focus, pool, True, 2, 3) + "\n\n"
            oral += "### 详细技术答案（2-3分钟版本）\n" + self.para(focus, pool, True, 4, 6) + "\n"
        else:
            oral += self.para(focus, pool, True, 3, 5) + "\n"
        return [desc, oral]


def generate(n: int, out_dir: Path, seed: int, base: dt.date) -> tuple[int, int]:
    rng = Random(seed)
    topics = parse_topics()
    weights = [rng.randint(1, 3) for _ in topics]
    notes_dir = out_dir / "notes"
    for t in topics:
        (notes_dir / t.name).mkdir(parents=True, exist_ok=True)
    cfg = b"# generated vault\n{}\n"
    (out_dir / "studycards.yaml").write_bytes(cfg)
    total = len(cfg)
    writer = NoteWriter(rng, base)
    for _ in range(n):
        topic = rng.choices(topics, weights=weights)[0]
        title, text = writer.note(topic, topics)
        data = text.encode("utf-8")
        (notes_dir / topic.name / f"{title}.md").write_bytes(data)
        total += len(data)
    return n, total


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int, help="number of notes to write")
    ap.add_argument("dir", type=Path, help="vault directory (created if missing)")
    ap.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    ap.add_argument(
        "--base-date",
        type=dt.date.fromisoformat,
        default=dt.date(2026, 11, 24),
        help="date that next_review is spread around (default 2026-11-24)",
    )
    args = ap.parse_args(argv)
    if args.n < 0:
        ap.error("N must be >= 0")
    start = time.perf_counter()
    args.dir.mkdir(parents=True, exist_ok=True)
    count, size = generate(args.n, args.dir, args.seed, args.base_date)
    secs = time.perf_counter() - start
    print(f"wrote {count} notes, {size} bytes to {args.dir} in {secs:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
