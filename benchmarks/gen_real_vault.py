#!/usr/bin/env python3
"""Generate a *realistic* studycards vault: the messy shapes real interview-note vaults have.

Usage:
    python gen_real_vault.py DIR [--notes N] [--seed S] [--base-date YYYY-MM-DD]

Unlike benchmarks/gen_vault.py (every note has the expected headings), this writes what people's
vaults actually look like: ~25 topic folders (Chinese-majority, ~25% English notes), frontmatter
with quoted and bare dates, unknown keys, CRLF endings and a BOM; about twenty answer-heading
variants; ~21% of notes with no answer heading at all (the answer is the opening text); coding
notes; math; images; generated related-note blocks; paths with (), %, spaces and full-width
punctuation; tool files that are not notes (CLAUDE.md, templates, a dot-folder, a nested git
repository); outlines with every link style people write; the old tools' reviewsToday.md and
config/ files; and MANIFEST.json, the ground truth for tests (which files are notes, which heading
holds each answer, a phrase found only in that answer, the outline groups).

Deterministic for given arguments. Standard library only (git is used if installed, for the
nested repository). DIR must be empty or a vault this script wrote before (it is then replaced).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import struct
import subprocess
import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from random import Random

# =============================================================================================
# Content data
# =============================================================================================
# Chapter blocks.  "## id | 中文名 | English name | Folder, Folder2"  (first folder is the main one)
#   T 中文术语=english term; ...         chapter vocabulary (shared by every note of the chapter)
#   Q [Folder/]中文题目 [!code=key]      hand-written Chinese question (file name = title)
#   E [Folder/]English title            hand-written English question
#   (either may end in " => H1 text" when the H1 differs from the file name)
#   F 中文事实句 / G English fact         facts woven into the text
# Outline headings are chapters, so notes under one outline heading share this vocabulary.

CHAPTERS_RAW = r"""
## cpp_mem | 内存管理与智能指针 | memory management and smart pointers | C++
T 智能指针=smart pointer; 引用计数=reference count; 控制块=control block; 弱引用=weak reference; 循环引用=reference cycle; RAII=RAII; 内存泄漏=memory leak; 自定义删除器=custom deleter; make_shared=make_shared; 悬空指针=dangling pointer
Q shared_ptr的引用计数是线程安全的吗
Q unique_ptr和shared_ptr的区别
Q weak_ptr如何解决循环引用
Q 手写一个简化版shared_ptr !code=shared_ptr
E How make_shared reduces allocations
F shared_ptr的控制块里同时保存强引用计数和弱引用计数，计数的增减是原子操作，但指向的对象本身不是线程安全的。
F make_shared把对象和控制块放在一次分配里，少一次堆分配，也提高了缓存局部性。
G make_shared puts the object and its control block in a single allocation, saving one heap call.

## cpp_poly | 虚函数与多态 | virtual functions and polymorphism | C++
T 虚函数表=vtable; 虚指针=vptr; 动态绑定=dynamic dispatch; 纯虚函数=pure virtual function; 虚析构函数=virtual destructor; 对象切片=object slicing; 多重继承=multiple inheritance; 菱形继承=diamond inheritance; override关键字=override specifier
Q 虚函数的实现原理
Q 为什么基类析构函数要声明为虚函数
Q 构造函数可以是虚函数吗？
E What object slicing is and how to avoid it
F 每个含虚函数的类有一张虚函数表，对象头部保存指向它的vptr，虚调用就是通过vptr做一次间接跳转。
F 构造期间vptr指向当前正在构造的那一层的虚表，所以在构造函数里调用虚函数不会发生多态。
G Every class with virtual functions has a vtable, and each object carries a vptr pointing to it.

## cpp_stl | STL容器与哈希表 | STL containers and hash tables | C++, 数据结构
T 哈希桶=hash bucket; 负载因子=load factor; 重新哈希=rehash; 链地址法=separate chaining; 迭代器失效=iterator invalidation; 红黑树=red-black tree; 扩容策略=growth policy; 哈希冲突=hash collision; 开放寻址=open addressing
Q C++/unordered_map的实现原理
Q C++/vector的扩容机制
Q C++/map和unordered_map的区别
Q C++/哪些操作会导致迭代器失效
Q 数据结构/哈希表如何解决冲突
E 数据结构/Open addressing vs separate chaining
F libstdc++的unordered_map使用链地址法，所有节点串成一条单链表，桶里存的是指向前驱节点的指针。
F 当元素个数除以桶数超过max_load_factor时触发rehash，桶数增长到下一个素数，所有迭代器失效。
G When size divided by bucket count exceeds max_load_factor, the table rehashes and every iterator is invalidated.

## cpp_move | 移动语义与值类别 | move semantics | C++
T 右值引用=rvalue reference; 移动构造=move constructor; 完美转发=perfect forwarding; 万能引用=forwarding reference; 值类别=value category; 拷贝省略=copy elision; std::move=std::move; 引用折叠=reference collapsing
Q std move到底做了什么 => std::move到底做了什么
Q 完美转发的原理
Q 左值和右值的区别
E When the compiler elides copies
F std::move本身不移动任何东西，它只是一个到右值引用的static_cast，真正的移动发生在移动构造函数里。
G std::move moves nothing by itself; it is a static_cast to an rvalue reference.

## cpp_basic | C++基础语法 | C++ language basics | C++
T 成员访问运算符=member access operator; 指针解引用=pointer dereference; 运算符重载=operator overloading; 引用=reference; const成员函数=const member function; 内联函数=inline function; 头文件保护=include guard; 静态成员=static member
Q C++/._和->的区别
Q C++/指针和引用的区别
Q C++/const的各种用法
Q C++/static关键字的作用
E C++/Why operator arrow can be overloaded but dot cannot
F 点运算符作用于对象或引用，箭头运算符作用于指针，a->b等价于(*a).b。
G The arrow operator is the dot operator applied through a pointer: a->b means (*a).b.

## io_mux | IO多路复用 | I/O multiplexing | C++, Linux, 网络编程
T 文件描述符=file descriptor; 就绪列表=ready list; 水平触发=level-triggered; 边缘触发=edge-triggered; 非阻塞IO=non-blocking I/O; 事件循环=event loop; 惊群效应=thundering herd; 回调注册=callback registration; fd_set位图=fd_set bitmap
Q C++/select()、poll()、epoll()的工作原理和区别
Q Linux/epoll的LT和ET模式有什么区别
Q 网络编程/Reactor和Proactor模型
Q 网络编程/为什么epoll比select高效
E Linux/How epoll scales to many connections
F select用固定大小的fd_set位图，默认上限1024，每次调用都要拷贝并线性扫描全部描述符。
F epoll用红黑树保存注册的描述符，内核通过回调把就绪的描述符挂到就绪链表，epoll_wait只返回就绪的部分。
G epoll keeps registered descriptors in a red-black tree and only returns the ones on its ready list.

## tf_arch | Transformer架构 | Transformer architecture | Transformer
T 残差连接=residual connection; 层归一化=layer normalization; 前馈网络=feed-forward network; 编码器=encoder; 解码器=decoder; Pre-LN=pre-LN; 隐藏维度=hidden size; 词嵌入=token embedding
Q Transformer的整体结构
Q Pre-LN和Post-LN的区别
Q 为什么Transformer需要残差连接
Q FFN层的作用是什么
E Why LayerNorm instead of BatchNorm in Transformers
F 原始Transformer是Post-LN，层数一深训练就不稳定，需要warmup；现在的大模型大多采用Pre-LN或RMSNorm。
G The original Transformer used post-LN; most large models now use pre-LN or RMSNorm for stability.

## tf_pos | 位置编码 | positional encoding | Transformer
T 位置编码=positional encoding; 正弦位置编码=sinusoidal encoding; 旋转位置编码=rotary position embedding; 相对位置=relative position; 长度外推=length extrapolation; ALiBi偏置=ALiBi bias; 绝对位置=absolute position; 频率基数=frequency base
Q 为什么Transformer需要位置编码
Q RoPE旋转位置编码的原理
Q 正弦位置编码为什么能表示相对位置
E How ALiBi enables length extrapolation
F RoPE把查询和键向量按维度两两分组做旋转，旋转角与位置成正比，内积只依赖相对位置差。
G RoPE rotates pairs of query and key dimensions by an angle proportional to position, so dot products depend only on the offset.

## kv_cache | KV Cache | KV cache | Transformer, LLM推理
T KV缓存=KV cache; 自回归解码=autoregressive decoding; 显存占用=memory footprint; 预填充阶段=prefill phase; 解码阶段=decode phase; 分组查询注意力=grouped-query attention; 多查询注意力=multi-query attention; 缓存淘汰=cache eviction; 序列长度=sequence length
Q Transformer/KV Cache的原理与作用
Q LLM推理/KV Cache的原理与作用
Q LLM推理/KV Cache显存占用怎么计算
Q LLM推理/MQA和GQA如何减少KV Cache
E LLM推理/Why decode is memory-bound
F 解码时每生成一个token，只需为新token计算K和V，历史token的K、V直接从缓存读取。
F KV Cache显存约为2乘以层数、KV头数、头维度、序列长度、batch和每个元素的字节数。
G During decoding only the new token's keys and values are computed; the rest come from the cache.

## attn_basic | 注意力机制基础 | attention basics | Attention
T 注意力权重=attention weights; 上下文向量=context vector; 信息瓶颈=information bottleneck; 软对齐=soft alignment; 加性注意力=additive attention; 编码器隐藏状态=encoder hidden states; 对齐函数=alignment function; 序列到序列=sequence-to-sequence
Q Seq2Seq模型中注意力的引入动机
Q 注意力解决的对齐问题和信息瓶颈
Q 传统注意力机制回顾
Q Bahdanau注意力和Luong注意力的区别
E Attention as soft alignment
F 传统Seq2Seq把整个输入压缩成固定长度的上下文向量，输入越长信息损失越严重。
G Classic seq2seq squeezes the whole input into one fixed-size context vector, which hurts long inputs.

## attn_sdpa | 缩放点积与多头注意力 | scaled dot-product and multi-head attention | Attention, Transformer
T 查询向量=query vector; 键向量=key vector; 值向量=value vector; 缩放因子=scaling factor; 多头注意力=multi-head attention; 注意力掩码=attention mask; 因果掩码=causal mask; 头维度=head dimension; softmax饱和=softmax saturation
Q Attention/为什么要除以根号d_k
Q Attention/多头注意力的作用
Q Attention/自注意力和交叉注意力的区别
Q Transformer/因果掩码是怎么实现的
E Attention/Why scaled dot-product attention divides by sqrt(d_k)
F 点积的方差随维度d_k线性增长，不缩放会让softmax进入饱和区，梯度接近零。
G The variance of a dot product grows with d_k, so without scaling the softmax saturates.

## attn_eff | 高效注意力 | efficient attention | Attention, LLM推理
T FlashAttention=FlashAttention; 分块计算=tiling; 在线softmax=online softmax; 片上SRAM=on-chip SRAM; 稀疏注意力=sparse attention; 线性注意力=linear attention; 滑动窗口注意力=sliding window attention; 访存次数=memory traffic
Q Attention/FlashAttention的核心思想
Q Attention/稀疏注意力有哪些做法
Q LLM推理/滑动窗口注意力的优缺点
E Attention/Online softmax explained
F FlashAttention不减少计算量，而是通过分块和在线softmax避免把N×N的注意力矩阵写回HBM。
G FlashAttention does not reduce FLOPs; it avoids writing the N by N score matrix back to HBM.

## os_proc | 进程与线程 | processes and threads | 操作系统
T 进程=process; 线程=thread; 协程=coroutine; 地址空间=address space; 上下文切换=context switch; 进程控制块=process control block; 线程栈=thread stack; 用户态线程=user-level thread
Q 操作系统/进程 与 线程（区别）
Q 进程间通信有哪些方式
Q 协程和线程的区别
Q 上下文切换的开销来自哪里
E What happens during a context switch
F 进程是资源分配的基本单位，线程是CPU调度的基本单位，同一进程的线程共享地址空间和文件描述符。
G A process owns resources; a thread is what the scheduler runs, and threads of one process share its address space.

## os_mem | 虚拟内存 | virtual memory | 操作系统
T 虚拟内存=virtual memory; 页表=page table; 缺页中断=page fault; 快表=TLB; 多级页表=multi-level page table; 页面置换=page replacement; 写时复制=copy-on-write; 内存映射=memory mapping; 大页=huge pages
Q 虚拟内存的作用
Q 缺页中断的处理流程
Q 为什么需要多级页表
Q fork为什么要用写时复制
E How the TLB speeds up address translation
F x86-64使用四级页表，每级9位索引，加上12位页内偏移，共48位虚拟地址。
G x86-64 uses four levels of page tables with nine index bits each plus a twelve-bit page offset.

## os_sync | 同步与互斥 | synchronization | 操作系统
T 互斥锁=mutex; 自旋锁=spinlock; 信号量=semaphore; 条件变量=condition variable; 死锁=deadlock; 读写锁=read-write lock; 临界区=critical section; 优先级反转=priority inversion; 原子操作=atomic operation
Q 死锁的四个必要条件
Q 自旋锁和互斥锁的区别
Q 条件变量为什么要配合互斥锁使用
E Spurious wakeups and why the wait loop matters
F 死锁需要同时满足互斥、占有并等待、不可抢占和循环等待四个条件，破坏任意一个即可预防。
G Deadlock needs mutual exclusion, hold and wait, no preemption and circular wait all at once.

## os_sched | 进程调度 | scheduling | 操作系统, Linux
T 完全公平调度=completely fair scheduler; 虚拟运行时间=virtual runtime; 时间片=time slice; 调度优先级=priority; 抢占=preemption; 运行队列=run queue; 实时调度=real-time scheduling; 多核负载均衡=load balancing across cores
Q 操作系统/常见的进程调度算法
Q Linux/CFS调度器的原理
E 操作系统/Preemptive vs cooperative scheduling
F CFS用红黑树按虚拟运行时间组织可运行任务，每次选择vruntime最小的任务运行。
G CFS keeps runnable tasks in a red-black tree ordered by virtual runtime and always picks the leftmost.

## net_tcp | TCP连接管理 | TCP connection management | 计算机网络
T 三次握手=three-way handshake; 四次挥手=four-way teardown; 序列号=sequence number; 半连接队列=SYN queue; 全连接队列=accept queue; TIME_WAIT状态=TIME_WAIT state; SYN洪泛=SYN flood; 最大报文段生存时间=maximum segment lifetime
Q 为什么TCP需要三次握手？
Q TIME_WAIT状态的作用
Q 半连接队列和全连接队列
E TCP TIME_WAIT causes and fixes => TCP TIME_WAIT: causes and fixes
F TIME_WAIT持续2MSL，一是保证最后一个ACK丢失时能重传，二是让旧连接的报文在网络中消失。
G TIME_WAIT lasts two MSL so the final ACK can be resent and stray segments of the old connection die out.

## net_cc | 拥塞控制与可靠传输 | congestion control | 计算机网络
T 拥塞窗口=congestion window; 慢启动=slow start; 拥塞避免=congestion avoidance; 快速重传=fast retransmit; 快速恢复=fast recovery; 滑动窗口=sliding window; 重传超时=retransmission timeout; BBR算法=BBR; 带宽时延积=bandwidth-delay product
Q TCP拥塞控制的四个阶段
Q 流量控制和拥塞控制的区别
Q BBR和CUBIC的区别
E How TCP fast retransmit works
F 慢启动阶段拥塞窗口每经过一个RTT翻倍，达到慢启动阈值后进入线性增长的拥塞避免阶段。
G In slow start the congestion window doubles every RTT until it reaches ssthresh.

## net_http | HTTP与HTTPS | HTTP and HTTPS | 计算机网络
T TLS握手=TLS handshake; 证书链=certificate chain; 对称加密=symmetric encryption; 多路复用=multiplexing; 队头阻塞=head-of-line blocking; 头部压缩=header compression; 持久连接=persistent connection; QUIC协议=QUIC
Q HTTPS的握手过程
Q HTTP1.1、HTTP2和HTTP3的区别
Q 从输入URL到页面显示发生了什么
E Why HTTP3 runs over UDP
F TLS 1.3把握手缩短到1-RTT，并移除了RSA密钥交换，只保留前向安全的ECDHE。
G TLS 1.3 cuts the handshake to one round trip and keeps only forward-secret key exchange.

## net_dns | DNS与负载均衡 | DNS and load balancing | 计算机网络, System Design
T DNS解析=DNS resolution; 递归查询=recursive query; 迭代查询=iterative query; 权威服务器=authoritative server; 缓存TTL=record TTL; 四层负载均衡=L4 load balancing; 七层负载均衡=L7 load balancing; 任播=anycast
Q 计算机网络/DNS解析的完整过程
Q System Design/四层负载均衡和七层负载均衡的区别
E 计算机网络/Why DNS uses UDP
F 客户端向本地DNS发起递归查询，本地DNS再依次向根、顶级域和权威服务器迭代查询。
G The stub resolver asks recursively; the local resolver then walks root, TLD and authoritative servers.

## lc_list | 链表 | linked lists | LeetCode
T 快慢指针=fast and slow pointers; 哑节点=dummy node; 链表反转=list reversal; 环检测=cycle detection; 合并有序链表=merging sorted lists; 小顶堆=min-heap; 指针操作=pointer manipulation
Q 反转链表 !code=reverse_list
Q 环形链表II !code=cycle
Q 合并K个升序链表 !code=merge_k
Q LRU缓存 !code=lru
F 链表题几乎都可以用哑节点统一头结点的处理，避免单独判断head为空。

## lc_dp | 动态规划 | dynamic programming | LeetCode
T 状态转移方程=state transition; 最优子结构=optimal substructure; 状态压缩=state compression; 记忆化搜索=memoization; 边界条件=base case; 滚动数组=rolling array; 子序列=subsequence
Q 最长递增子序列 !code=lis
Q 编辑距离 !code=edit
Q 零钱兑换 !code=coin
Q 打家劫舍 !code=rob
F 动态规划先定义状态的含义，再写状态转移方程，最后确定边界条件和遍历顺序。

## lc_window | 双指针与滑动窗口 | two pointers and sliding window | LeetCode
T 滑动窗口=sliding window; 双指针=two pointers; 单调队列=monotonic queue; 哈希计数=hash counting; 窗口收缩=window shrinking; 前缀和=prefix sum; 单调栈=monotonic stack
Q 无重复字符的最长子串 !code=longest_sub
Q 滑动窗口最大值 !code=max_window
Q 接雨水 !code=trap
Q 两数之和 !code=two_sum
F 滑动窗口的模板是右指针不断扩张，条件不满足时左指针收缩，每一步更新答案。

## lc_graph | 树与图的遍历 | tree and graph traversal | LeetCode
T 深度优先搜索=depth-first search; 广度优先搜索=breadth-first search; 层序遍历=level-order traversal; 拓扑排序=topological sort; 并查集=union-find; 回溯=backtracking; 递归=recursion
Q 二叉树的层序遍历 !code=level_order
Q 岛屿数量 !code=islands
Q 课程表 !code=course
Q 全排列 !code=permute
F 层序遍历用队列，每一轮先记下当前队列长度，正好就是这一层的节点数。

## linux_perf | 性能排查 | performance troubleshooting | Linux
T CPU使用率=CPU utilization; 平均负载=load average; 火焰图=flame graph; 上下文切换次数=context switch rate; 软中断=softirq; 系统调用追踪=syscall tracing; 内存泄漏=memory leak; OOM Killer=OOM killer; IO等待=iowait
Q Linux/100%CPU排查思路
Q 平均负载高但CPU使用率低怎么排查
Q 如何排查内存泄漏
Q OOM Killer如何选择进程
E How to read a flame graph
F 先用top -H找到占用CPU最高的线程，把线程号转成十六进制，再到jstack或pstack的输出里定位调用栈。
G Find the hottest thread with top -H, convert its id to hex and look it up in the thread dump.

## linux_fs | 文件系统与IO | filesystem and I/O | Linux, 操作系统
T inode=inode; 硬链接=hard link; 软链接=symbolic link; 页缓存=page cache; 直接IO=direct I/O; 零拷贝=zero copy; 文件描述符表=file descriptor table; 日志文件系统=journaling filesystem
Q Linux/硬链接和软链接的区别
Q Linux/什么是inode
Q 操作系统/页缓存和直接IO
Q Linux/零拷贝sendfile的原理
E Linux/What fsync really guarantees
F 硬链接是目录项直接指向同一个inode，软链接是一个单独的文件，内容是目标路径。
G A hard link is another directory entry for the same inode; a symlink is a file holding a path.

## linux_proc | 进程管理与信号 | processes and signals | Linux
T 僵尸进程=zombie process; 孤儿进程=orphan process; 信号处理=signal handling; 守护进程=daemon; 进程组=process group; 退出状态=exit status; SIGCHLD信号=SIGCHLD; 会话=session
Q 僵尸进程和孤儿进程
Q kill -9和kill -15的区别
Q 如何写一个守护进程
E Why SIGKILL cannot be caught
F 子进程退出后如果父进程没有调用wait回收，它的进程表项会一直保留，成为僵尸进程。
G A child that exits before its parent calls wait stays in the process table as a zombie.

## sd_rate | 限流与熔断 | rate limiting and circuit breaking | System Design
T 令牌桶=token bucket; 漏桶=leaky bucket; 滑动窗口计数=sliding window counter; 熔断器=circuit breaker; 服务降级=graceful degradation; 重试风暴=retry storm; 限流阈值=rate limit threshold; 半开状态=half-open state
Q 令牌桶和漏桶的区别
Q 如何设计一个分布式限流器
Q 熔断器的三种状态
E Designing a rate limiter for an API gateway
F 令牌桶允许一定程度的突发流量，漏桶则以固定速率输出，能把突发完全整形掉。
G A token bucket allows bursts up to its capacity; a leaky bucket smooths output to a fixed rate.

## sd_cache | 缓存设计 | cache design | System Design, Redis
T 缓存穿透=cache penetration; 缓存击穿=cache breakdown; 缓存雪崩=cache avalanche; 布隆过滤器=Bloom filter; 旁路缓存=cache-aside; 延迟双删=delayed double delete; 热点key=hot key; 过期时间=TTL expiry
Q Redis/缓存穿透、击穿、雪崩的区别和解决方案
Q System Design/如何保证缓存和数据库的一致性
Q Redis/热点key怎么处理
E System Design/Cache-aside vs write-through
F 缓存穿透查的是根本不存在的数据，可以用布隆过滤器或者缓存空值来拦截。
G Cache penetration means looking up keys that do not exist; a Bloom filter or cached empty values stop it.

## sd_id | 短链与ID生成 | URL shortener and ID generation | System Design
T 雪花算法=snowflake ID; 号段模式=segment allocation; 时钟回拨=clock rollback; 短链映射=short URL mapping; 62进制编码=base62 encoding; 全局唯一ID=globally unique ID; 分库分表=sharding
Q 设计一个短链系统
Q 雪花算法的原理和时钟回拨问题
E Designing a URL shortener
F 雪花算法用41位毫秒时间戳、10位机器号和12位序列号拼成64位ID，单机每毫秒可生成4096个。
G A snowflake ID packs a 41-bit millisecond timestamp, a 10-bit machine id and a 12-bit sequence.

## llm_batch | 批处理与调度 | batching and scheduling | LLM推理
T 连续批处理=continuous batching; 分页注意力=PagedAttention; 显存碎片=memory fragmentation; 首token延迟=time to first token; 吞吐量=throughput; 请求调度=request scheduling; 块表=block table; 抢占换出=preemption and swapping
Q PagedAttention的原理
Q 连续批处理为什么能提高吞吐
Q vLLM的调度策略
E Why static batching wastes GPU time
F PagedAttention把KV Cache切成固定大小的块，用块表把逻辑块映射到物理块，显存浪费降到4%以下。
G PagedAttention splits the KV cache into fixed-size blocks mapped through a block table, like virtual memory.

## llm_quant | 模型量化 | quantization | LLM推理
T 量化=quantization; 仅权重量化=weight-only quantization; 激活离群值=activation outliers; 校准数据=calibration data; 分组量化=group-wise quantization; 缩放系数=scale factor; 反量化=dequantization; 精度损失=accuracy degradation
Q GPTQ和AWQ的区别
Q 为什么LLM量化要处理离群值
Q INT8和INT4量化的取舍
E How SmoothQuant migrates outliers
F AWQ观察到只有约1%的显著权重通道对精度影响最大，通过按激活幅度缩放来保护它们。
G AWQ protects the roughly one percent of salient weight channels by scaling them with activation magnitude.

## llm_spec | 投机解码 | speculative decoding | LLM推理
T 投机解码=speculative decoding; 草稿模型=draft model; 目标模型=target model; 接受率=acceptance rate; 拒绝采样=rejection sampling; 并行验证=parallel verification; Medusa头=Medusa heads; 自回归瓶颈=autoregressive bottleneck
Q 投机解码的原理
Q 投机解码为什么不改变输出分布
E Choosing a draft model for speculative decoding
F 草稿模型一次猜k个token，目标模型一次前向并行验证，按概率比做拒绝采样，保证输出分布不变。
G The draft model proposes k tokens and the target model verifies them in one forward pass.

## net_perf | 高性能网络 | high-performance networking | 网络编程, Linux
T 用户态协议栈=user-space network stack; 轮询模式驱动=poll mode driver; 大页内存=huge pages; 无锁队列=lock-free ring; 网卡多队列=NIC multi-queue; CPU亲和性=CPU affinity; 批量收发=batched I/O; 中断合并=interrupt coalescing
Q 网络编程/DPDK为什么快
Q 网络编程/TCP粘包&拆包怎么处理
Q 网络编程/什么是零拷贝
Q Linux/网卡多队列和RSS
E 网络编程/What io_uring changes for network servers
F 轮询模式驱动让CPU核心持续轮询网卡队列，省掉了中断和上下文切换的开销。
G A poll mode driver spins on the NIC queues, trading a busy core for no interrupts.

## db_index | 索引 | indexes | 数据库, 数据结构
T B+树=B+ tree; 聚簇索引=clustered index; 二级索引=secondary index; 回表=table lookup; 覆盖索引=covering index; 最左前缀=leftmost prefix; 索引下推=index condition pushdown; 页分裂=page split
Q 数据库/为什么MySQL用B+树做索引
Q 数据库/什么是回表和覆盖索引
Q 数据库/联合索引的最左前缀原则
Q 数据结构/B树和B+树的区别
E 数据库/When an index is not used
F InnoDB的聚簇索引叶子节点存整行数据，二级索引叶子节点只存主键值，查其他列需要回表。
G InnoDB secondary index leaves store the primary key, so reading other columns means a second lookup.

## db_txn | 事务与MVCC | transactions and MVCC | 数据库
T 事务隔离级别=isolation level; 多版本并发控制=MVCC; 读视图=read view; 回滚日志=undo log; 重做日志=redo log; 幻读=phantom read; 间隙锁=gap lock; 两阶段提交=two-phase commit
Q MVCC的实现原理
Q redo log和binlog的区别
Q 可重复读如何解决幻读
E How InnoDB's read view decides visibility
F 可重复读下读视图在事务第一次快照读时创建，之后整个事务都复用它。
G Under repeatable read the read view is created at the first consistent read and reused afterwards.

## redis_ds | Redis数据结构 | Redis data structures | Redis
T 跳表=skip list; 压缩列表=ziplist; 简单动态字符串=SDS; 渐进式rehash=incremental rehash; 有序集合=sorted set; 整数集合=intset; 单线程模型=single-threaded model; IO多线程=I/O threads
Q Redis为什么这么快
Q Redis的有序集合为什么用跳表
Q 渐进式rehash是怎么做的
E Why Redis stayed single-threaded
F 有序集合在元素较少时用listpack，超过阈值后改用跳表加哈希表的组合。
G A sorted set uses a listpack while small and switches to a skip list plus hash table as it grows.

## redis_persist | Redis持久化与高可用 | persistence and high availability | Redis
T RDB快照=RDB snapshot; AOF日志=AOF log; AOF重写=AOF rewrite; 主从复制=replication; 哨兵=Sentinel; 集群分片=cluster slots; 脑裂=split brain; 混合持久化=hybrid persistence
Q RDB和AOF的区别
Q Redis哨兵的工作原理
Q Redis Cluster的槽位分配
E How Redis replication catches up after a disconnect
F Redis Cluster把键空间分成16384个槽，每个主节点负责一部分槽。
G Redis Cluster splits the key space into 16384 slots spread over the masters.

## dist_consensus | 一致性协议 | consensus | 分布式系统
T Raft协议=Raft; 领导者选举=leader election; 日志复制=log replication; 任期=term; 多数派=quorum; 线性一致性=linearizability; Paxos=Paxos; 心跳超时=heartbeat timeout
Q Raft的领导者选举过程
Q Raft如何保证日志一致
Q Paxos和Raft的区别
E Why Raft needs a majority quorum
F Raft中候选人必须获得多数派投票才能成为领导者，且节点只投给日志至少和自己一样新的候选人。
G A Raft candidate needs votes from a majority, and nodes only vote for candidates whose log is at least as up to date.

## dist_cap | CAP与分布式事务 | CAP and distributed transactions | 分布式系统, System Design
T CAP定理=CAP theorem; 最终一致性=eventual consistency; 分布式两阶段提交=distributed two-phase commit; TCC补偿=TCC compensation; Saga模式=Saga pattern; 本地消息表=outbox table; 幂等性=idempotency; 分区容错=partition tolerance
Q 分布式系统/CAP定理怎么理解
Q 分布式系统/分布式事务有哪些方案
Q System Design/如何保证接口幂等
E 分布式系统/Saga vs two-phase commit
F 网络分区一旦发生，系统只能在一致性和可用性之间二选一，所以CAP实际上是在P前提下的C与A取舍。
G Once the network partitions, a system must pick consistency or availability.

## py_gil | GIL与并发 | the GIL and concurrency | Python
T 全局解释器锁=global interpreter lock; 多进程=multiprocessing; 异步协程=asyncio coroutine; 协程事件循环=asyncio event loop; 线程切换=thread switching; IO密集=I/O-bound; CPU密集=CPU-bound; 自由线程=free-threading
Q Python的GIL是什么
Q asyncio的原理
Q 多线程和多进程怎么选
E Why Python's GIL exists
F CPython的GIL保证同一时刻只有一个线程执行字节码，阻塞IO时会主动释放。
G CPython's GIL lets one thread run bytecode at a time and is released around blocking I/O.

## py_mem | Python内存管理 | Python memory management | Python
T 引用计数=reference counting; 分代回收=generational GC; 循环引用=reference cycle; 小整数池=small integer cache; 内存池=pymalloc; 弱引用=weakref; 可变默认参数=mutable default argument; 浅拷贝=shallow copy
Q Python的垃圾回收机制
Q 深拷贝和浅拷贝的区别
Q 可变默认参数的坑
E How CPython's generational GC finds cycles
F CPython以引用计数为主，分代回收只负责处理引用计数无法回收的循环引用。
G CPython frees most objects by reference counting; the cyclic GC only handles reference cycles.

## py_lang | 生成器与装饰器 | generators and decorators | Python
T 生成器=generator; 迭代器协议=iterator protocol; 装饰器=decorator; 闭包=closure; 上下文管理器=context manager; 描述符=descriptor; 元类=metaclass; yield表达式=yield expression
Q 生成器和迭代器的区别
Q 装饰器的原理
Q with语句的实现原理
E How descriptors power properties
F 生成器函数调用时不执行函数体，而是返回生成器对象，每次next执行到下一个yield。
G Calling a generator function runs nothing; it returns a generator that runs to the next yield on each next().

## go_sched | goroutine与GMP调度 | goroutines and the GMP scheduler | Go
T GMP模型=GMP model; 本地运行队列=local run queue; 工作窃取=work stealing; 系统调用阻塞=blocking syscall; 异步抢占=async preemption; 协程栈=goroutine stack; 网络轮询器=netpoller
Q GMP调度模型
Q goroutine和线程的区别
Q goroutine泄漏怎么排查
E How the Go scheduler handles blocking syscalls
F P的数量由GOMAXPROCS决定，M必须绑定P才能执行G，本地队列空了会从全局队列或其他P窃取。
G GOMAXPROCS sets the number of Ps; an M needs a P to run goroutines and steals work when idle.

## go_chan | channel与并发原语 | channels and sync primitives | Go
T 无缓冲通道=unbuffered channel; 缓冲通道=buffered channel; select语句=select statement; 发送等待队列=send wait queue; sync互斥锁=sync.Mutex; 上下文取消=context cancellation; 等待组=WaitGroup
Q channel的底层实现
Q 向已关闭的channel发送数据会怎样
E When to use a mutex instead of a channel
F channel底层是hchan结构，包含环形缓冲区、发送等待队列和接收等待队列，以及一把互斥锁。
G A channel is an hchan: a ring buffer, send and receive wait queues, and a lock.

## go_gc | Go垃圾回收 | Go garbage collection | Go
T 三色标记=tri-color marking; 写屏障=write barrier; 混合写屏障=hybrid write barrier; 停顿时间=stop-the-world pause; 逃逸分析=escape analysis; 内存分配器=memory allocator; GOGC参数=GOGC
Q Go的三色标记法
Q 逃逸分析是什么
E How GOGC controls heap growth
F 三色标记中黑色对象不能直接指向白色对象，写屏障在并发标记期间维护这个不变式。
G In tri-color marking a black object may never point to a white one; the write barrier keeps it so.

## java_jvm | JVM内存与GC | JVM memory and GC | Java
T 堆内存=heap; 新生代=young generation; 老年代=old generation; 垃圾收集器=garbage collector; G1收集器=G1 collector; 可达性分析=reachability analysis; 类加载=class loading; 双亲委派=parent delegation
Q JVM内存区域划分
Q G1和CMS的区别
Q 双亲委派模型
E How G1 chooses regions to collect
F G1把堆划分成大小相等的Region，优先回收垃圾最多的Region，以满足停顿时间目标。
G G1 divides the heap into equal regions and collects the ones with the most garbage first.

## java_conc | Java并发 | Java concurrency | Java
T synchronized=synchronized; volatile=volatile; AQS=AQS; ReentrantLock=ReentrantLock; Java线程池=thread pool executor; CAS操作=compare-and-swap; ConcurrentHashMap=ConcurrentHashMap; 锁升级=lock escalation
Q synchronized的锁升级过程
Q volatile能保证原子性吗
Q 线程池的核心参数
Q ConcurrentHashMap的实现原理
E How AQS queues waiting threads
F 线程池提交任务时，先用核心线程，满了进队列，队列满了再扩到最大线程数，最后触发拒绝策略。
G A thread pool fills core threads first, then the queue, then grows to max threads, then rejects.

## ml_eval | 模型评估 | model evaluation | 机器学习
T 准确率=accuracy; 精确率=precision; 召回率=recall; F1分数=F1 score; ROC曲线=ROC curve; AUC指标=AUC; 交叉验证=cross-validation; 类别不平衡=class imbalance
Q AUC的含义和计算方法
Q 精确率和召回率的权衡
Q 类别不平衡怎么处理
E Why accuracy misleads on imbalanced data
F AUC等于随机取一个正样本和一个负样本，正样本得分高于负样本的概率。
G AUC is the probability that a random positive scores higher than a random negative.

## ml_reg | 过拟合与正则化 | overfitting and regularization | 机器学习, 深度学习
T 过拟合=overfitting; L1正则=L1 regularization; L2正则=L2 regularization; 随机失活=dropout; 早停=early stopping; 偏差方差=bias-variance; 数据增强=data augmentation; 权重衰减=weight decay
Q 机器学习/L1和L2正则化的区别
Q 深度学习/Dropout的原理
Q 机器学习/偏差和方差
E 机器学习/Why L1 produces sparse weights
F L1正则的等值线在坐标轴上有尖角，最优解更容易落在坐标轴上，因此产生稀疏解。
G The L1 ball has corners on the axes, so the optimum tends to land where some weights are zero.

## ml_tree | 树模型 | tree models | 机器学习
T 决策树=decision tree; 信息增益=information gain; 基尼系数=Gini impurity; 随机森林=random forest; 梯度提升=gradient boosting; XGBoost=XGBoost; 特征重要性=feature importance; 剪枝=pruning
Q XGBoost和GBDT的区别
Q 随机森林为什么能降低方差
E How gradient boosting fits residuals
F XGBoost在损失函数上做二阶泰勒展开，并在目标里显式加入树复杂度的正则项。
G XGBoost uses a second-order Taylor expansion of the loss and penalises tree complexity explicitly.

## dl_opt | 优化器 | optimizers | 深度学习
T 随机梯度下降=SGD; 动量=momentum; Adam优化器=Adam; 学习率预热=learning rate warmup; 余弦退火=cosine annealing; 梯度裁剪=gradient clipping; 二阶矩=second moment; AdamW=AdamW
Q Adam和SGD的区别
Q AdamW和Adam的区别
Q 为什么需要学习率预热
E Why warmup stabilizes Adam
F AdamW把权重衰减从梯度更新里解耦出来，直接作用在参数上，避免被自适应学习率缩放。
G AdamW decouples weight decay from the adaptive update and applies it to the weights directly.

## dl_norm | 归一化与梯度问题 | normalization and gradient problems | 深度学习, Transformer
T 批归一化=batch normalization; RMSNorm=RMSNorm; 梯度消失=vanishing gradient; 梯度爆炸=exploding gradient; 内部协变量偏移=internal covariate shift; 权重初始化=weight initialization; 激活函数=activation function; 归一化统计量=normalization statistics
Q 深度学习/BatchNorm和LayerNorm的区别
Q 深度学习/梯度消失和梯度爆炸的原因
Q Transformer/RMSNorm为什么更快
E 深度学习/How Xavier initialization keeps variance stable
F BatchNorm在batch维度上统计均值方差，LayerNorm在特征维度上统计，后者不依赖batch大小。
G BatchNorm normalises over the batch, LayerNorm over features, so only the latter is independent of batch size.

## arch_cache | CPU缓存与内存模型 | CPU caches and the memory model | 计算机组成, C++
T 缓存行=cache line; 伪共享=false sharing; 缓存一致性协议=cache coherence protocol; MESI协议=MESI; 内存屏障=memory barrier; 指令重排=instruction reordering; 内存序=memory order; 局部性原理=locality
Q 计算机组成/什么是伪共享
Q 计算机组成/MESI协议
Q C++/memory_order的几种内存序
E 计算机组成/Why memory barriers exist
F 两个线程频繁写同一缓存行上的不同变量时，缓存行会在核心间来回失效，这就是伪共享。
G Two threads writing different variables on one cache line bounce it between cores: false sharing.

## arch_pipe | CPU流水线 | the CPU pipeline | 计算机组成
T 指令流水线=instruction pipeline; 分支预测=branch prediction; 数据冒险=data hazard; 乱序执行=out-of-order execution; 超标量=superscalar; 流水线冲刷=pipeline flush; 指令级并行=instruction-level parallelism
Q 分支预测失败的代价
Q 什么是乱序执行
E Why sorted arrays are faster to branch over
F 分支预测失败时，已经进入流水线的错误路径指令全部作废，现代CPU上损失大约15到20个周期。
G A mispredicted branch flushes the pipeline and costs roughly fifteen to twenty cycles.

## mq_kafka | Kafka | Kafka | 消息队列
T 分区=partition; 消费者组=consumer group; 消费偏移量=consumer offset; ISR副本集合=in-sync replicas; 顺序写=sequential write; 页缓存刷盘=page cache flush; 重平衡=rebalance; 批量发送=producer batching
Q Kafka为什么吞吐量高
Q Kafka如何保证消息不丢失
Q 消费者组重平衡的过程
E How Kafka's ISR works
F Kafka靠顺序追加写日志、页缓存和sendfile，把磁盘顺序IO的优势发挥到极致。
G Kafka gets its throughput from append-only logs, the page cache and sendfile.

## mq_rel | 消息可靠性与顺序 | message reliability and ordering | 消息队列, System Design
T 消息重复=duplicate messages; 幂等消费=idempotent consumer; 顺序消息=ordered messages; 死信队列=dead letter queue; 消息积压=message backlog; 事务消息=transactional messages; 至少一次=at-least-once; 精确一次=exactly-once
Q 消息队列/如何保证消息不被重复消费
Q 消息队列/消息积压怎么处理
Q System Design/如何用消息队列实现最终一致性
E 消息队列/Exactly-once is a lie, mostly
F 消息队列一般只保证至少一次投递，消费端要借助唯一业务ID做幂等处理。
G Most queues only promise at-least-once delivery, so consumers dedupe on a business key.

## cn_docker | 容器原理 | how containers work | 云原生, Linux
T 命名空间=namespace; 控制组=cgroup; 联合文件系统=union filesystem; 镜像分层=image layers; 容器运行时=container runtime; 资源配额=resource quota; 特权容器=privileged container
Q 云原生/Docker的底层原理
Q 云原生/容器和虚拟机的区别
Q Linux/cgroup是怎么限制资源的
E 云原生/How overlayfs builds a container filesystem
F 容器本质上是被namespace隔离、被cgroup限制资源的普通进程。
G A container is an ordinary process isolated by namespaces and limited by cgroups.

## cn_k8s | Kubernetes | Kubernetes | 云原生
T Pod=Pod; 控制器=controller; K8s调度器=kube-scheduler; 服务发现=service discovery; 滚动更新=rolling update; 健康探针=health probe; etcd=etcd; 声明式API=declarative API
Q Kubernetes的架构
Q Pod的创建流程
Q 存活探针和就绪探针的区别
E How the Kubernetes scheduler picks a node
F Kubernetes控制器不断对比期望状态和实际状态，通过调谐循环让二者一致。
G Controllers compare desired and observed state and reconcile the difference in a loop.

## rag_ret | 检索与召回 | retrieval | RAG
T 检索增强生成=retrieval-augmented generation; 文档切块=chunking; 向量检索=vector search; 混合检索=hybrid search; 重排序=reranking; BM25=BM25; 检索召回率=retrieval recall; 查询改写=query rewriting
Q RAG的基本流程
Q 文档切块的策略
Q 为什么需要重排序
E Hybrid search, when BM25 beats embeddings => Hybrid search: when BM25 beats embeddings
F 重排序模型用交叉编码器同时看查询和文档，比双塔向量检索精度高，但只适合处理少量候选。
G A cross-encoder reranker reads query and document together, so it is accurate but only affordable for a few candidates.

## rag_vec | 向量数据库 | vector databases | RAG
T 近似最近邻=approximate nearest neighbor; HNSW图=HNSW graph; 倒排文件索引=IVF index; 乘积量化=product quantization; 余弦相似度=cosine similarity; 向量维度=embedding dimension; 前k召回=recall at k
Q HNSW的原理
Q IVF和HNSW怎么选
E How product quantization compresses vectors
F HNSW构建多层近邻图，上层稀疏用于快速跳跃，底层稠密用于精确搜索。
G HNSW builds layered proximity graphs: sparse upper layers for long jumps, a dense bottom layer for precision.

## dt_par | 并行训练策略 | parallel training | 分布式训练
T 数据并行=data parallelism; 张量并行=tensor parallelism; 流水线并行=pipeline parallelism; ZeRO优化=ZeRO; 梯度同步=gradient all-reduce; 流水线气泡=pipeline bubble; 激活重计算=activation recomputation; 混合精度=mixed precision
Q ZeRO的三个阶段
Q 张量并行和流水线并行的区别
Q 激活重计算的原理
E Why ring all-reduce is bandwidth-optimal
F ZeRO-1切分优化器状态，ZeRO-2再切分梯度，ZeRO-3连参数也切分。
G ZeRO-1 shards optimizer state, ZeRO-2 also gradients, ZeRO-3 also the parameters.

## dp_create | 创建型模式 | creational patterns | 设计模式, C++
T 单例模式=singleton; 工厂方法=factory method; 抽象工厂=abstract factory; 建造者模式=builder; 双重检查锁定=double-checked locking; 静态局部变量=function-local static; 依赖注入=dependency injection
Q 设计模式/线程安全的单例怎么写 !code=singleton
Q 设计模式/工厂方法和抽象工厂的区别
Q C++/Meyers单例为什么是线程安全的
E 设计模式/Why singletons hurt testability
F C++11保证函数内静态局部变量的初始化是线程安全的，所以Meyers单例不需要手动加锁。
G Since C++11 a function-local static is initialised thread-safely, so a Meyers singleton needs no lock.

## dp_behav | 行为型模式 | behavioral patterns | 设计模式
T 观察者模式=observer; 策略模式=strategy; 责任链=chain of responsibility; 模板方法=template method; 发布订阅=publish-subscribe; 状态模式=state pattern; 命令模式=command pattern
Q 观察者模式和发布订阅的区别
Q 策略模式的应用场景
E When the strategy pattern beats if-else chains
F 观察者模式里主题直接持有观察者列表，发布订阅则通过中间的事件通道解耦双方。
G In the observer pattern the subject holds its observers; pub-sub puts a broker in between.

## ds_tree | 树与跳表 | trees and skip lists | 数据结构
T AVL树=AVL tree; 平衡二叉树=balanced binary tree; 跳跃表=skip list; 平衡因子=balance factor; 旋转操作=rotation; 二叉堆=binary heap; 字典树=trie; 线段树=segment tree
Q 红黑树和AVL树的区别
Q 跳表的原理
Q 堆排序的过程
Q 实现一个小顶堆 !code=heap
E Why databases prefer B+ trees over red-black trees
F 红黑树通过颜色约束保证最长路径不超过最短路径的两倍，插入删除最多三次旋转。
G A red-black tree keeps its longest path within twice the shortest and needs at most three rotations per update.
"""

FOLDERS = [
    "C++", "Transformer", "Attention", "操作系统", "计算机网络", "LeetCode", "Linux",
    "System Design", "LLM推理", "网络编程", "数据库", "Redis", "分布式系统", "Python", "Go",
    "Java", "机器学习", "深度学习", "计算机组成", "消息队列", "云原生", "RAG", "分布式训练",
    "设计模式", "数据结构",
]

ZH_QUALITY = "性能 延迟 吞吐量 内存占用 一致性 可用性 稳定性 可扩展性 正确性 实现复杂度 可维护性 CPU开销".split()
EN_QUALITY = [
    "performance", "latency", "throughput", "memory use", "consistency", "availability",
    "stability", "scalability", "correctness", "implementation complexity", "maintainability",
    "CPU cost",
]

ZH_SENT = """
{a}的核心是{b}，本质上是在{x}和{y}之间做取舍。
很多候选人把{a}和{b}混为一谈，其实前者解决的是{x}问题，后者关注的是{y}。
理解{a}的关键在于搞清楚它和{b}之间的依赖关系。
在工程实践中，{a}通常要配合{b}一起使用，否则{x}会明显变差。
如果面试官追问{a}的代价，可以从{x}和{y}两个角度回答。
{a}并不是银弹：当{b}成为瓶颈时，继续优化{a}的收益很有限。
从实现上看，{a}最容易出错的地方是{b}的边界处理。
线上排查时，先确认{b}是否正常，再去看{a}相关的指标。
{a}的设计动机可以追溯到早期方案里{b}暴露出的问题。
当规模扩大到原来的{n}倍时，{a}往往最先成为瓶颈。
一个常见误区是认为{a}越多越好，实际上它和{b}存在明显的权衡。
用一个只有{n}个元素的小例子手推一遍{a}，比背结论更容易记住。
{a}、{b}和{c}经常一起被问到，最好能画出三者之间的关系图。
对比{b}，{a}在{x}上更有优势，但实现复杂度更高。
可以把{a}看作是对{b}的一层抽象，用少量{x}换取更好的{y}。
面试时先讲{a}解决了什么问题，再讲{b}的细节，逻辑会更清楚。
在资源受限的场景下，可以用{b}近似{a}，代价是{x}略有下降。
{a}对{c}非常敏感，调优时要同时观察{b}的变化。
我在项目里遇到过{a}导致{x}下降的问题，最后是通过调整{b}解决的。
需要注意，{a}的行为在不同版本的实现里并不完全一致。
严格来说，{a}只保证{x}，并不保证{y}。
很多资料把{a}讲得很玄，其实拆开来看就是{b}加上{c}。
评估{a}时，除了{x}，还应该关注{y}和长尾情况。
{a}的开销主要来自{b}，优化应该优先从这里入手。
换个角度看，{b}其实是{a}在{x}约束下的一个特例。
回答时可以补充：{a}在大规模场景下还需要考虑{c}。
不要一上来就讲{c}，先把{a}和{b}的关系讲透。
{a}和{b}的差别，用一句话说就是：一个偏重{x}，一个偏重{y}。
""".strip().splitlines()

EN_SENT = """
The core of {a} is {b}; it is a trade-off between {x} and {y}.
Candidates often conflate {a} with {b}, but the first is about {x} and the second about {y}.
The key to understanding {a} is how it depends on {b}.
In practice {a} is paired with {b}; without it, {x} suffers.
If the interviewer asks about the cost of {a}, answer in terms of {x} and {y}.
{a} is not a silver bullet: once {b} is the bottleneck, tuning {a} buys little.
Most bugs in {a} come from edge cases in {b}.
When debugging in production, check {b} first and only then look at {a}.
The motivation for {a} goes back to problems that {b} exposed in earlier designs.
At {n}x the load, {a} is usually the first thing to break.
A common mistake is assuming more {a} is always better; it trades off against {b}.
Working through {a} by hand on a {n}-element example beats memorising the conclusion.
{a}, {b} and {c} are often asked together, so be ready to sketch how they relate.
Compared with {b}, {a} wins on {x} but is harder to implement.
Think of {a} as an abstraction over {b} that spends a little {x} to gain {y}.
Lead with the problem {a} solves, then go into the details of {b}.
Under tight resource limits, {b} can approximate {a} at some cost in {x}.
{a} is sensitive to {c}, so watch {b} whenever you tune it.
In one project {a} hurt our {x}, and the fix turned out to be in {b}.
Strictly speaking, {a} guarantees {x} but not {y}.
Stripped of jargon, {a} is just {b} plus {c}.
When evaluating {a}, look beyond {x} at {y} and the tail cases.
The cost of {a} is dominated by {b}, so optimise there first.
Seen from another angle, {b} is a special case of {a} under {x} constraints.
Do not open with {c}; explain how {a} and {b} relate first.
""".strip().splitlines()

# Sentences that carry a note's distinctive phrase ({P}); the phrase itself is PHRASE_ZH/EN.
ZH_PHRASE_SENT = [
    "记忆口诀「{P}」：先讲{a}，再讲{b}，最后落到{x}。",
    "答题顺序按口诀「{P}」来：{a}、{b}、{c}。",
    "一句话总结（口诀「{P}」）：{a}靠{b}来保证{x}。",
]
EN_PHRASE_SENT = [
    "Mnemonic {P}: start from {a}, then {b}, then {x}.",
    "Answer in the order of Mnemonic {P}: {a}, {b}, {c}.",
    "One-line version (Mnemonic {P}): {a} relies on {b} for {x}.",
]
PHRASE_ZH, PHRASE_EN = "口诀「{P}」", "Mnemonic {P}"
DETAIL_ZH, DETAIL_EN = "展开线索「{P}」", "Detail cue {P}"
DEEP_ZH, DEEP_EN = "深挖标记「{P}」", "Deep-dive marker {P}"

ZH_TITLE_T = """
{a}的原理
{a}和{b}的区别
为什么需要{a}
{a}的常见问题
如何理解{a}
{a}的优缺点
{a}是怎么实现的
{a}在{b}中的作用
聊聊{a}
{a}的使用场景
{a}常见面试题
""".strip().splitlines()
EN_TITLE_T = """
How {a} works
{a} vs {b}
Why {a} matters
Common pitfalls of {a}
When to use {a}
{a} explained
""".strip().splitlines()

ZH_SUB_T = """
{a}的工作原理
{a}与{b}的关系
实现细节
源码层面看{a}
复杂度分析
常见误区
工程实践中的{a}
{a}的演进
一个具体例子
边界情况
性能对比
{a}的调优
""".strip().splitlines()
EN_SUB_T = """
How {a} works
{a} and {b}
Implementation details
Under the hood
Complexity
Common pitfalls
{a} in production
How {a} evolved
A worked example
Edge cases
Benchmarks
Tuning {a}
""".strip().splitlines()

ZH_Q_T = """
{a}和{b}有什么区别？
为什么{a}能改善{x}？
{a}在什么情况下会失效？
线上如何监控{a}？
{a}的时间复杂度是多少，瓶颈在哪里？
如果去掉{a}会发生什么？
{a}有哪些常见的变体？
{a}和{b}能同时使用吗？
排查{a}相关问题时你会先看什么？
能结合项目讲讲你是怎么用{a}的吗？
{a}的实现里最容易踩的坑是什么？
""".strip().splitlines()
EN_Q_T = """
How does {a} differ from {b}?
Why does {a} improve {x}?
When does {a} break down?
How would you monitor {a} in production?
What does {a} cost, and where is the bottleneck?
What happens if you remove {a}?
Which variants of {a} are common?
Can {a} and {b} be used together?
What do you check first when {a} misbehaves?
Where have you used {a} in a real project?
""".strip().splitlines()

ZH_TIPS = """
先给结论，再展开细节
用{a}举一个具体例子
主动对比{a}和{b}
承认{a}的局限，说明适用范围
30秒版本控制在五句话以内
可以在白板上画出{a}的流程
提到{x}和{y}之间的权衡
结尾可以延伸到{b}，展示知识广度
被追问细节时，不确定就讲思路，不要硬编
""".strip().splitlines()

ZH_LABELS = ["问题背景", "核心机制", "关键细节", "工程实践", "对比分析", "常见误区", "实现要点"]
EN_LABELS = ["Background", "Mechanism", "Key details", "In practice", "Trade-offs", "Pitfalls"]

# ---- code snippets for deep dives (by language) -----------------------------------------------
SNIPPETS: dict[str, list[str]] = {
    "cpp": [
        """int epfd = epoll_create1(0);
epoll_event ev{};
ev.events = EPOLLIN | EPOLLET;   // 边缘触发
ev.data.fd = listen_fd;
epoll_ctl(epfd, EPOLL_CTL_ADD, listen_fd, &ev);

std::vector<epoll_event> events(1024);
while (true) {
    int n = epoll_wait(epfd, events.data(), events.size(), -1);
    for (int i = 0; i < n; ++i) {
        if (events[i].data.fd == listen_fd) accept_all(listen_fd, epfd);
        else drain(events[i].data.fd);   // ET 模式必须读到 EAGAIN
    }
}""",
        """struct Base {
    virtual ~Base() = default;
    virtual void f() { std::cout << "Base::f\\n"; }
};
struct Derived : Base {
    void f() override { std::cout << "Derived::f\\n"; }
};

Base* p = new Derived;
p->f();      // 通过 vptr 查虚表，调用 Derived::f
delete p;    // 虚析构保证 Derived 部分也被析构""",
        """std::vector<std::string> v;
std::string s = "hello";
v.push_back(s);              // 拷贝
v.push_back(std::move(s));   // 移动，s 处于有效但未指定的状态

template <typename T>
void wrapper(T&& arg) {
    target(std::forward<T>(arg));   // 保持值类别
}""",
        """std::atomic<bool> ready{false};
int data = 0;

void producer() {
    data = 42;
    ready.store(true, std::memory_order_release);
}
void consumer() {
    while (!ready.load(std::memory_order_acquire)) {}
    assert(data == 42);   // acquire/release 建立 happens-before
}""",
        """std::unordered_map<std::string, int> m;
m.reserve(1000);                 // 预分配桶，避免多次 rehash
m.max_load_factor(0.75f);
for (auto& [k, v] : m) {}        // 遍历顺序不确定
std::cout << m.bucket_count() << " " << m.load_factor() << "\\n";""",
    ],
    "bash": [
        """## 1. 找到 CPU 最高的进程
top -c -o %CPU
## 2. 找到进程里最忙的线程
top -H -p <pid>
printf '%x\\n' <tid>
## 3. 看调用栈
jstack <pid> | grep -A 20 <hex_tid>""",
        """perf record -F 99 -p $PID -g -- sleep 30
perf script | ./stackcollapse-perf.pl | ./flamegraph.pl > cpu.svg
# 查看上下文切换
pidstat -w 1 5
vmstat 1""",
        """ss -s                          # 汇总
ss -ant state time-wait | wc -l
netstat -s | grep -i listen    # 全连接队列溢出
sysctl net.ipv4.tcp_max_syn_backlog""",
        """# cgroup v2：限制内存和 CPU
mkdir /sys/fs/cgroup/demo
echo "200M" > /sys/fs/cgroup/demo/memory.max
echo "50000 100000" > /sys/fs/cgroup/demo/cpu.max
echo $$ > /sys/fs/cgroup/demo/cgroup.procs""",
    ],
    "python": [
        """import numpy as np

def scaled_dot_product_attention(q, k, v, mask=None):
    d_k = q.shape[-1]
    scores = q @ k.swapaxes(-1, -2) / np.sqrt(d_k)
    if mask is not None:
        scores = np.where(mask, scores, -1e9)
    weights = np.exp(scores - scores.max(-1, keepdims=True))
    weights /= weights.sum(-1, keepdims=True)
    return weights @ v, weights""",
        """def decode_step(model, token, cache):
    # cache: 每层一个 (k, v)，形状 [batch, heads, seq, head_dim]
    x = model.embed(token)
    for i, layer in enumerate(model.layers):
        k_new, v_new = layer.project_kv(x)
        k, v = cache[i]
        cache[i] = (torch.cat([k, k_new], dim=2), torch.cat([v, v_new], dim=2))
        x = layer.attend(x, *cache[i])
    return model.lm_head(x), cache""",
        """optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4, weight_decay=0.1)
scheduler = get_cosine_schedule_with_warmup(optimizer, num_warmup_steps=2000,
                                            num_training_steps=100_000)
for batch in loader:
    loss = model(**batch).loss
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step(); scheduler.step(); optimizer.zero_grad()""",
        """from sklearn.metrics import roc_auc_score, precision_recall_fscore_support

y_true = [0, 0, 1, 1, 1]
y_score = [0.1, 0.4, 0.35, 0.8, 0.9]
print(roc_auc_score(y_true, y_score))   # 0.833...
pred = [s > 0.5 for s in y_score]
p, r, f1, _ = precision_recall_fscore_support(y_true, pred, average="binary")""",
        """import functools, time

def timed(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            print(f"{fn.__name__}: {time.perf_counter() - start:.3f}s")
    return wrapper""",
        """import asyncio

async def fetch(i):
    await asyncio.sleep(0.1)     # 让出事件循环
    return i * 2

async def main():
    results = await asyncio.gather(*(fetch(i) for i in range(10)))
    print(results)

asyncio.run(main())""",
    ],
    "go": [
        """func worker(ctx context.Context, jobs <-chan int, results chan<- int, wg *sync.WaitGroup) {
	defer wg.Done()
	for {
		select {
		case j, ok := <-jobs:
			if !ok {
				return
			}
			results <- j * 2
		case <-ctx.Done():
			return
		}
	}
}""",
        """// 查看逃逸分析结果: go build -gcflags='-m -l'
func newUser(name string) *User {
	u := User{Name: name} // moved to heap: u
	return &u
}""",
    ],
    "java": [
        """ThreadPoolExecutor pool = new ThreadPoolExecutor(
        4,                                   // corePoolSize
        8,                                   // maximumPoolSize
        60, TimeUnit.SECONDS,                // keepAliveTime
        new ArrayBlockingQueue<>(1000),      // 有界队列
        new ThreadPoolExecutor.CallerRunsPolicy());""",
        """// -XX:+UseG1GC -XX:MaxGCPauseMillis=200 -Xlog:gc*:file=gc.log
public class Holder {
    private volatile boolean running = true;   // 保证可见性，不保证原子性
    public void stop() { running = false; }
}""",
    ],
    "sql": [
        """-- 联合索引 (a, b, c)
EXPLAIN SELECT * FROM t WHERE a = 1 AND b > 10 ORDER BY c;
-- 覆盖索引，Extra 显示 Using index
EXPLAIN SELECT a, b FROM t WHERE a = 1;
SHOW ENGINE INNODB STATUS\\G""",
    ],
    "redis": [
        """redis-cli --bigkeys
redis-cli info persistence | grep aof
redis-cli CONFIG SET maxmemory-policy allkeys-lru
redis-cli --hotkeys   # 需要 LFU 淘汰策略""",
    ],
    "yaml": [
        """livenessProbe:
  httpGet:
    path: /healthz
    port: 8080
  initialDelaySeconds: 10
readinessProbe:
  tcpSocket:
    port: 8080""",
    ],
}
FENCE_LANG = {"cpp": "cpp", "bash": "bash", "python": "python", "go": "go", "java": "java",
              "sql": "sql", "redis": "bash", "yaml": "yaml"}
FOLDER_LANGS = {
    "C++": ["cpp"], "Linux": ["bash"], "操作系统": ["cpp", "bash"], "计算机网络": ["bash"],
    "网络编程": ["cpp", "bash"], "LeetCode": ["python"], "Transformer": ["python"],
    "Attention": ["python"], "LLM推理": ["python"], "深度学习": ["python"], "机器学习": ["python"],
    "RAG": ["python"], "分布式训练": ["python"], "Python": ["python"], "Go": ["go"],
    "Java": ["java"], "数据库": ["sql"], "Redis": ["redis"], "云原生": ["bash", "yaml"],
    "System Design": ["python", "java"], "分布式系统": ["go"], "消息队列": ["java"],
    "计算机组成": ["cpp"], "设计模式": ["cpp", "java"], "数据结构": ["python", "cpp"],
}

# ---- math (with * and _ inside, as people write it) ---------------------------------------------
MATH = {
    "attn": (["$\\alpha_{ti} = \\text{softmax}(e_{ti})$", "$c_t = \\sum_i \\alpha_{ti} * h_i$",
              "$O(n^2 * d)$", "$d_k$"],
             ["\\text{Attention}(Q, K, V) = \\text{softmax}\\left(\\frac{Q K^\\top}{\\sqrt{d_k}}\\right) V",
              "\\mathrm{Var}(q \\cdot k) = \\sum_{i=1}^{d_k} \\mathrm{Var}(q_i * k_i) = d_k"]),
    "kv": (["$2 * L * n_{kv} * d_{head}$", "$s * b$", "$n_{kv} = n_{heads} / g$"],
           ["M_{kv} = 2 * L * n_{kv} * d_{head} * s * b * p_{bytes}"]),
    "rope": (["$\\theta_j = 10000^{-2j/d}$", "$q_m^\\top k_n$"],
             ["f(x_m, m) = x_m * e^{i m \\theta}, \\quad \\langle f(q, m), f(k, n) \\rangle = g(q, k, m - n)"]),
    "ml": (["$\\lambda * \\|w\\|_1$", "$\\lambda * \\|w\\|_2^2$", "$\\hat{y}_i$"],
           ["\\mathcal{L} = -\\frac{1}{N} \\sum_{i=1}^{N} y_i * \\log \\hat{y}_i + (1 - y_i) * \\log(1 - \\hat{y}_i)"]),
    "opt": (["$\\beta_1 = 0.9$", "$\\hat{v}_t = v_t / (1 - \\beta_2^t)$", "$g_t * g_t$"],
            ["m_t = \\beta_1 * m_{t-1} + (1 - \\beta_1) * g_t, \\quad v_t = \\beta_2 * v_{t-1} + (1 - \\beta_2) * g_t^2"]),
    "norm": (["$\\mu_B$", "$\\sigma_B^2$", "$x_i * \\gamma$"],
             ["y_i = \\frac{x_i - \\mu_B}{\\sqrt{\\sigma_B^2 + \\epsilon}} * \\gamma + \\beta"]),
    "sys": (["$L = \\lambda * W$", "$BDP = bandwidth * RTT$", "$\\alpha = n / m$"],
            ["S(n) = \\frac{1}{(1 - p) + p / n}", "E[\\text{probes}] = \\frac{1}{1 - \\alpha}, \\quad \\alpha = n_{keys} / m_{buckets}"]),
}
CHAPTER_MATH = {"cpp_stl": ["sys"], "io_mux": [], "db_index": [], "net_perf": [], "cpp_mem": [],
                "cpp_poly": [], "cpp_move": [], "cpp_basic": [], "dp_create": [], "ds_tree": ["sys"]}
FOLDER_MATH = {
    "Transformer": ["attn", "rope", "norm"], "Attention": ["attn"], "LLM推理": ["kv", "attn"],
    "深度学习": ["opt", "norm"], "机器学习": ["ml"], "分布式训练": ["opt"], "RAG": ["ml"],
    "计算机网络": ["sys"], "System Design": ["sys"], "计算机组成": ["sys"],
}


def math_kinds(x: "Note") -> list[str]:
    return CHAPTER_MATH.get(x.chapter.cid, FOLDER_MATH.get(x.folder, []))

# ---- coding problems: description, idea, oral answer opener, code ------------------------------
CODING = {
    "reverse_list": ("给你单链表的头节点head，请你反转链表，并返回反转后的链表。",
                     "用三个指针prev、cur、nxt迭代：每一步先保存cur的后继，再把cur.next指向prev，然后整体前移一格。",
                     "python", """class ListNode:
    def __init__(self, val=0, next=None):
        self.val = val
        self.next = next


def reverse_list(head):
    prev, cur = None, head
    while cur:
        nxt = cur.next      # 先保存后继
        cur.next = prev     # 反转指针
        prev, cur = cur, nxt
    return prev"""),
    "cycle": ("给定一个链表的头节点head，返回链表开始入环的第一个节点；如果链表无环，则返回null。",
              "快慢指针相遇后，把一个指针放回头节点，两个指针每次各走一步，再次相遇的位置就是入环点。",
              "python", """def detect_cycle(head):
    slow = fast = head
    while fast and fast.next:
        slow, fast = slow.next, fast.next.next
        if slow is fast:
            p = head
            while p is not slow:
                p, slow = p.next, slow.next
            return p
    return None"""),
    "merge_k": ("给你一个链表数组，每个链表都已经按升序排列，请将所有链表合并到一个升序链表中。",
                "把每个链表的头节点放进小顶堆，每次弹出最小的节点接到结果后面，再把它的后继压入堆。",
                "python", """import heapq

def merge_k_lists(lists):
    heap = [(node.val, i, node) for i, node in enumerate(lists) if node]
    heapq.heapify(heap)
    dummy = tail = ListNode()
    while heap:
        _, i, node = heapq.heappop(heap)
        tail.next = node
        tail = node
        if node.next:
            heapq.heappush(heap, (node.next.val, i, node.next))
    return dummy.next"""),
    "lru": ("设计并实现一个满足LRU（最近最少使用）约束的数据结构，get和put都必须以O(1)的平均时间复杂度运行。",
            "哈希表负责O(1)定位节点，双向链表负责维护访问顺序：访问过的节点移到表头，容量满时淘汰表尾。",
            "cpp", """class LRUCache {
public:
    explicit LRUCache(int capacity) : cap_(capacity) {}

    int get(int key) {
        auto it = pos_.find(key);
        if (it == pos_.end()) return -1;
        items_.splice(items_.begin(), items_, it->second);  // 移到表头
        return it->second->second;
    }

    void put(int key, int value) {
        auto it = pos_.find(key);
        if (it != pos_.end()) {
            it->second->second = value;
            items_.splice(items_.begin(), items_, it->second);
            return;
        }
        if ((int)items_.size() == cap_) {
            pos_.erase(items_.back().first);   // 淘汰最久未使用
            items_.pop_back();
        }
        items_.emplace_front(key, value);
        pos_[key] = items_.begin();
    }

private:
    int cap_;
    std::list<std::pair<int, int>> items_;
    std::unordered_map<int, std::list<std::pair<int, int>>::iterator> pos_;
};"""),
    "lis": ("给你一个整数数组nums，找到其中最长严格递增子序列的长度。",
            "维护数组tails，tails[i]是长度为i+1的递增子序列的最小结尾；对每个数二分查找替换位置，整体O(n log n)。",
            "python", """import bisect

def length_of_lis(nums):
    tails = []          # tails[i]: 长度为 i+1 的递增子序列的最小结尾
    for x in nums:
        i = bisect.bisect_left(tails, x)
        if i == len(tails):
            tails.append(x)
        else:
            tails[i] = x
    return len(tails)"""),
    "edit": ("给你两个单词word1和word2，返回将word1转换成word2所使用的最少操作数，操作包括插入、删除和替换一个字符。",
             "dp[i][j]表示word1前i个字符变成word2前j个字符的最少操作数，字符相同直接继承左上角，否则取插入、删除、替换三者最小值加一。",
             "python", """def min_distance(word1, word2):
    m, n = len(word1), len(word2)
    dp = [[0] * (n + 1) for _ in range(m + 1)]
    for i in range(m + 1):
        dp[i][0] = i
    for j in range(n + 1):
        dp[0][j] = j
    for i in range(1, m + 1):
        for j in range(1, n + 1):
            if word1[i - 1] == word2[j - 1]:
                dp[i][j] = dp[i - 1][j - 1]
            else:
                dp[i][j] = 1 + min(dp[i - 1][j], dp[i][j - 1], dp[i - 1][j - 1])
    return dp[m][n]"""),
    "coin": ("给你一个整数数组coins表示不同面额的硬币，以及一个总金额amount，计算凑成总金额所需的最少硬币个数。",
             "完全背包：dp[a]表示凑出金额a的最少硬币数，dp[a] = min(dp[a], dp[a - c] + 1)，凑不出时保持为无穷大。",
             "python", """def coin_change(coins, amount):
    INF = amount + 1
    dp = [0] + [INF] * amount
    for a in range(1, amount + 1):
        for c in coins:
            if c <= a:
                dp[a] = min(dp[a], dp[a - c] + 1)
    return dp[amount] if dp[amount] != INF else -1"""),
    "rob": ("你是一个专业的小偷，相邻的房屋不能在同一晚被偷，给定每个房屋的金额，计算一夜之内能偷到的最高金额。",
            "dp[i] = max(dp[i-1], dp[i-2] + nums[i])，只依赖前两个状态，可以用两个变量滚动。",
            "python", """def rob(nums):
    prev, cur = 0, 0      # 滚动数组：dp[i-2], dp[i-1]
    for x in nums:
        prev, cur = cur, max(cur, prev + x)
    return cur"""),
    "longest_sub": ("给定一个字符串s，请你找出其中不含有重复字符的最长子串的长度。",
                    "滑动窗口加哈希表记录每个字符最后出现的位置，遇到窗口内的重复字符就把左边界跳到它的下一位。",
                    "python", """def length_of_longest_substring(s):
    last = {}
    left = best = 0
    for right, ch in enumerate(s):
        if ch in last and last[ch] >= left:
            left = last[ch] + 1      # 收缩窗口
        last[ch] = right
        best = max(best, right - left + 1)
    return best"""),
    "max_window": ("给你一个整数数组nums和一个大小为k的滑动窗口，窗口从最左侧移动到最右侧，返回每个窗口中的最大值。",
                   "单调递减队列里存下标：新元素入队前弹出所有比它小的元素，队头过期就出队，队头始终是窗口最大值。",
                   "python", """from collections import deque

def max_sliding_window(nums, k):
    dq, out = deque(), []        # dq 里存下标，对应的值单调递减
    for i, x in enumerate(nums):
        while dq and nums[dq[-1]] <= x:
            dq.pop()
        dq.append(i)
        if dq[0] <= i - k:
            dq.popleft()
        if i >= k - 1:
            out.append(nums[dq[0]])
    return out"""),
    "trap": ("给定n个非负整数表示每个宽度为1的柱子的高度图，计算按此排列的柱子下雨之后能接多少雨水。",
             "每个位置能接的水取决于左右两侧最高柱子中较矮的那个；双指针从两端向中间走，每次移动较矮的一侧。",
             "python", """def trap(height):
    left, right = 0, len(height) - 1
    left_max = right_max = water = 0
    while left < right:
        if height[left] < height[right]:
            left_max = max(left_max, height[left])
            water += left_max - height[left]
            left += 1
        else:
            right_max = max(right_max, height[right])
            water += right_max - height[right]
            right -= 1
    return water"""),
    "two_sum": ("给定一个整数数组nums和一个目标值target，请你在该数组中找出和为目标值的两个整数，并返回它们的下标。",
                "一次遍历，用哈希表记录已经见过的值到下标的映射，对每个数查找target减去它是否已经出现过。",
                "cpp", """vector<int> twoSum(vector<int>& nums, int target) {
    unordered_map<int, int> seen;  // 值 -> 下标
    for (int i = 0; i < (int)nums.size(); ++i) {
        auto it = seen.find(target - nums[i]);
        if (it != seen.end()) return {it->second, i};
        seen[nums[i]] = i;
    }
    return {};
}"""),
    "level_order": ("给你二叉树的根节点root，返回其节点值的层序遍历（逐层地，从左到右访问所有节点）。",
                    "广度优先搜索，用队列保存待访问的节点，每一轮处理当前队列长度个节点，正好是一层。",
                    "python", """from collections import deque

def level_order(root):
    if not root:
        return []
    res, q = [], deque([root])
    while q:
        level = []
        for _ in range(len(q)):
            node = q.popleft()
            level.append(node.val)
            if node.left:
                q.append(node.left)
            if node.right:
                q.append(node.right)
        res.append(level)
    return res"""),
    "islands": ("给你一个由'1'（陆地）和'0'（水）组成的二维网格，请你计算网格中岛屿的数量。",
                "遍历网格，遇到陆地就计数加一，并用深度优先搜索把与它相连的陆地全部淹掉，避免重复计数。",
                "python", """def num_islands(grid):
    rows, cols = len(grid), len(grid[0])

    def sink(r, c):
        if r < 0 or c < 0 or r >= rows or c >= cols or grid[r][c] != "1":
            return
        grid[r][c] = "0"
        sink(r + 1, c); sink(r - 1, c); sink(r, c + 1); sink(r, c - 1)

    count = 0
    for r in range(rows):
        for c in range(cols):
            if grid[r][c] == "1":
                count += 1
                sink(r, c)
    return count"""),
    "course": ("你这个学期必须选修numCourses门课程，某些课程有先修要求，判断是否可能完成所有课程的学习。",
               "把课程看成有向图，用Kahn算法做拓扑排序：入度为0的课程入队，出队时削减后继的入度，最后看出队数量是否等于课程数。",
               "python", """from collections import deque

def can_finish(num_courses, prerequisites):
    indeg = [0] * num_courses
    graph = [[] for _ in range(num_courses)]
    for a, b in prerequisites:
        graph[b].append(a)
        indeg[a] += 1
    q = deque(i for i in range(num_courses) if indeg[i] == 0)
    taken = 0
    while q:
        cur = q.popleft()
        taken += 1
        for nxt in graph[cur]:
            indeg[nxt] -= 1
            if indeg[nxt] == 0:
                q.append(nxt)
    return taken == num_courses"""),
    "permute": ("给定一个不含重复数字的数组nums，返回其所有可能的全排列。",
                "回溯：用used数组标记已经放进路径的数字，路径长度等于n时记录一个答案，返回时撤销选择。",
                "python", """def permute(nums):
    res, path, used = [], [], [False] * len(nums)

    def backtrack():
        if len(path) == len(nums):
            res.append(path[:])
            return
        for i, x in enumerate(nums):
            if used[i]:
                continue
            used[i] = True
            path.append(x)
            backtrack()
            path.pop()
            used[i] = False

    backtrack()
    return res"""),
    "shared_ptr": ("实现一个简化版的shared_ptr，支持拷贝、赋值、析构时按引用计数释放对象，并返回use_count。",
                   "对象指针和一个堆上的原子计数一起保存；拷贝时计数加一，析构时减一，减到零时同时释放对象和计数；赋值用copy-and-swap保证异常安全。",
                   "cpp", """template <typename T>
class SharedPtr {
public:
    explicit SharedPtr(T* p = nullptr) : ptr_(p), cnt_(p ? new std::atomic<long>(1) : nullptr) {}
    SharedPtr(const SharedPtr& o) : ptr_(o.ptr_), cnt_(o.cnt_) { if (cnt_) cnt_->fetch_add(1); }
    SharedPtr& operator=(SharedPtr o) noexcept { swap(o); return *this; }   // copy-and-swap
    ~SharedPtr() { release(); }

    T* operator->() const { return ptr_; }
    T& operator*() const { return *ptr_; }
    long use_count() const { return cnt_ ? cnt_->load() : 0; }
    void swap(SharedPtr& o) noexcept { std::swap(ptr_, o.ptr_); std::swap(cnt_, o.cnt_); }

private:
    void release() {
        if (cnt_ && cnt_->fetch_sub(1) == 1) { delete ptr_; delete cnt_; }
    }
    T* ptr_;
    std::atomic<long>* cnt_;
};"""),
    "singleton": ("用C++写一个线程安全的单例类，禁止拷贝和赋值，并说明为什么它是线程安全的。",
                  "C++11起函数内的静态局部变量初始化是线程安全的（magic statics），直接返回静态局部对象的引用即可，不需要双重检查锁定。",
                  "cpp", """class Config {
public:
    static Config& instance() {
        static Config inst;   // C++11 起局部静态变量初始化是线程安全的
        return inst;
    }
    Config(const Config&) = delete;
    Config& operator=(const Config&) = delete;

private:
    Config() = default;
};"""),
    "heap": ("不使用heapq，实现一个支持push和pop的小顶堆。",
             "用数组存完全二叉树，下标i的父节点是(i-1)//2；push时末尾插入再上浮，pop时把末尾元素换到堆顶再下沉。",
             "python", """class MinHeap:
    def __init__(self):
        self.a = []

    def push(self, x):
        a = self.a
        a.append(x)
        i = len(a) - 1
        while i > 0 and a[(i - 1) // 2] > a[i]:     # 上浮
            p = (i - 1) // 2
            a[i], a[p] = a[p], a[i]
            i = p

    def pop(self):
        a = self.a
        a[0], a[-1] = a[-1], a[0]
        top = a.pop()
        i = 0
        while True:                                  # 下沉
            l, r, m = 2 * i + 1, 2 * i + 2, i
            if l < len(a) and a[l] < a[m]:
                m = l
            if r < len(a) and a[r] < a[m]:
                m = r
            if m == i:
                return top
            a[i], a[m] = a[m], a[i]
            i = m"""),
}

# ---- answer-heading variants ---------------------------------------------------------------------
# key: (heading line, weight, probability of the 30s / 2-3 min sub-split, numbering style)
ZH_VARIANTS = {
    "std": ("## 面试标准答案", 34, 0.85, None),
    "recite": ("## 面试标准答案（可背诵）", 8, 0.4, None),
    "concise": ("## 面试标准答案（精简版）", 5, 0.0, None),
    "jingjian": ("## 精简答案", 4, 0.0, None),
    "biaozhun": ("## 标准答案", 4, 0.0, None),
    "gaishu": ("## 概述", 5, 0.0, None),
    "bzms": ("## 标准面试答案（可背诵）", 4, 0.3, None),
    "huida": ("## 面试标准回答", 4, 0.0, None),
    "biaoshu": ("### 面试标准表述（精炼版）", 4, 0.0, "cn"),
    "daan": ("## 答案", 4, 0.0, None),
    "hexin": ("## 核心要点", 4, 0.0, None),
    "num_cn": ("## 一、面试标准答案", 4, 0.5, "cn"),
    "num_ar": ("## 1. 概述：", 3, 0.0, "ar"),
    "colon_half": ("## 面试标准答案:", 3, 0.0, None),
    "colon_full": ("## 面试标准答案：", 3, 0.0, None),
    "paren_half": ("## 面试标准答案(可背诵)", 3, 0.0, None),
}
EN_VARIANTS = {
    "short": ("## Short answer", 35, 0.4, None),
    "answer": ("## Answer", 20, 0.0, None),
    "tldr": ("## TL;DR", 20, 0.0, None),
    "summary": ("## Summary", 15, 0.0, None),
    "std": ("## 面试标准答案", 10, 0.5, None),
}
SPLIT_ZH = ("### 核心要点（30秒版本）", "### 详细技术答案（2-3分钟版本）")
SPLIT_EN = ("### 30-second version", "### 2-3 minute version")
CODING_ANSWER = "## 面试时的快速口述讲解"
BODY_ONLY_SHARE = 0.21
EN_SHARE = 0.25
CN_NUM = "一二三四五六七八九十"

# Body-only notes follow their opening with one of these (or with no heading at all).
OPENING_FOLLOW_ZH = [["## 原理", "## 实现细节"], ["## 深度讲解"], ["## 详细讲解"], ["## 详细技术解析"],
                     ["## 详细解析"], ["## 原理"], ["## 实现细节"]]
OPENING_FOLLOW_EN = [["## Deep dive"], ["## How it works", "## Details"]]

# =============================================================================================
# Special notes the brief names (paths, shapes and hand-written answers)
# =============================================================================================
SPECIALS = {
    "C++/select()、poll()、epoll()的工作原理和区别": dict(
        variant="std", split=True, alias="select/poll/epoll",
        short="""select、poll、epoll都是Linux提供的IO多路复用接口：一个线程同时监视多个文件描述符，哪个就绪就处理哪个。三者的差别集中在"怎么告诉内核要监视谁"和"内核怎么告诉你谁就绪了"。
1. **select**：用fd_set位图传递描述符集合，默认上限1024（FD_SETSIZE）；每次调用都要把整个集合拷贝进内核，返回后还要线性扫描找出就绪的描述符。
2. **poll**：把位图换成pollfd数组，去掉了数量上限，但每次拷贝和O(n)扫描的问题没有变。
3. **epoll**：epoll_ctl一次性注册，内核用红黑树保存关注的描述符；设备就绪时通过回调把它挂到就绪链表，epoll_wait只返回就绪的那部分，开销与活跃连接数成正比。

一句话记忆，口诀「{P}」：select拷贝加扫描，poll去掉上限，epoll事件驱动。""",
        detail="""**触发方式：**
select和poll只有水平触发；epoll同时支持水平触发（LT）和边缘触发（ET）。ET模式下内核只在状态变化时通知一次，必须配合非阻塞IO把数据读到EAGAIN为止，展开线索「{D}」。

**适用场景：**
连接数少、活跃比例高时三者差别不大，select的可移植性反而最好；连接数上万而活跃连接很少（典型的长连接网关）时，epoll的优势最明显。"""),
    "C++/unordered_map的实现原理": dict(
        variant="recite", split=False, h1=None,
        short="""unordered_map底层是哈希表，libstdc++用的是**链地址法**：每个桶挂一条链，冲突的元素放在同一条链上。记住口诀「{P}」：哈希定位桶、链表解决冲突、负载因子触发rehash。
- 查找：先对key求哈希，对桶数取模得到桶号，再沿链比较key，平均O(1)，最坏O(n)。
- 扩容：元素个数除以桶数超过max_load_factor（默认1.0）时rehash，桶数增长到大约两倍的下一个素数，所有元素重新分桶，迭代器全部失效。
- 与map对比：map是红黑树，有序，操作O(log n)；unordered_map无序，平均更快，但内存开销更大，最坏情况会退化。"""),
    "Linux/100%CPU排查思路": dict(
        variant="colon_full", split=False, h1="线上服务CPU 100%怎么排查", alias="CPU 100% 排查",
        short="""先定位到进程，再定位到线程，最后定位到代码，整个过程可以在几分钟内完成：

```bash
## 1. 找到CPU最高的进程
top -c
## 2. 找到进程里最忙的线程
top -H -p <pid>
## 3. 线程号转十六进制，去线程栈里找
printf '%x\\n' <tid>
jstack <pid> | grep -A 30 'nid=0x<hex>'
```

排查顺序按口诀「{P}」来：进程、线程、调用栈、代码。如果是C++服务，用perf top或pstack代替jstack；如果CPU高在sys态，重点看系统调用和软中断（`pidstat -w`、`/proc/softirqs`）。"""),
    "操作系统/进程 与 线程（区别）": dict(
        variant="std", split=True, alias="进程vs线程",
        short="""进程是**资源分配**的基本单位，线程是**CPU调度**的基本单位。口诀「{P}」：进程有独立地址空间，线程共享地址空间。
1. **资源**：进程拥有独立的地址空间、文件描述符表和信号处理；同一进程内的线程共享这些资源，只独享栈、寄存器和线程局部存储。
2. **开销**：创建进程要复制页表（写时复制也要建立映射），线程创建和切换都更轻；线程切换不需要切换页表，TLB不会被刷新。
3. **隔离性**：一个进程崩溃一般不影响其他进程；一个线程的野指针可能让整个进程崩溃。
4. **通信**：进程间通信需要管道、共享内存、消息队列、socket等机制；线程之间直接读写共享内存，但需要锁来同步。""",
        detail="""**Linux的实现：**
在Linux内核里进程和线程都是task_struct，区别只在于clone时传入的标志：CLONE_VM、CLONE_FILES、CLONE_SIGHAND等标志决定共享哪些资源，展开线索「{D}」。

**怎么选：**
需要隔离和稳定性（如Chrome的多进程架构、Nginx的master/worker）用多进程；需要大量共享数据、低延迟通信时用多线程。"""),
    "C++/._和->的区别": dict(
        variant="daan", split=False, h1=". 和 -> 的区别", alias=". 和 ->",
        short="""`.`是**成员访问运算符**，左边必须是对象（或对象的引用）；`->`是**通过指针访问成员**，左边是指针。`p->m`完全等价于`(*p).m`，口诀「{P}」：对象用点，指针用箭头。

另一个区别在重载上：`->`可以重载（智能指针和迭代器就是靠重载`operator->`看起来像指针），并且重载的`->`会被链式调用，直到返回一个原生指针为止；`.`不能重载。"""),
    "Transformer/KV Cache的原理与作用": dict(
        variant="std", split=True, math="kv",
        short="""KV Cache是自回归解码时的一种**以显存换计算**的优化：把每一层已经算过的Key和Value缓存起来，生成新token时只为这个token计算Q、K、V，再和缓存里的历史K、V做注意力。口诀「{P}」：缓存K和V，不缓存Q。
1. **为什么可以缓存**：因果掩码保证历史token的K、V不会因为后面的token而改变。
2. **收益**：每步只处理一个新token，生成n个token的投影计算从O(n²)级别降到O(n)级别。
3. **代价**：显存占用随序列长度和batch线性增长，长上下文下KV Cache往往比模型权重还大。""",
        detail="""**显存怎么算：**
每个token在每一层要存一份K和一份V，总大小约为 $2 * L * n_{kv} * d_{head} * s * b$ 再乘以每个元素的字节数，展开线索「{D}」。

**怎么压缩：**
MQA/GQA减少KV头数，量化把KV降到INT8/FP8，PagedAttention减少碎片，滑动窗口和StreamingLLM限制缓存长度。"""),
    "LLM推理/KV Cache的原理与作用": dict(
        variant="concise", split=False,
        short="""推理框架视角下，KV Cache是decode阶段的核心数据结构：prefill阶段一次性算出prompt所有token的K、V写入缓存，decode阶段每步只追加一个token的K、V。口诀「{P}」：prefill写满，decode追加。
- decode阶段每步都要把整份KV Cache从显存读一遍，算术强度很低，所以decode是**访存受限**的。
- KV Cache的大小决定了同时能服务多少请求，是吞吐量的上限；vLLM等框架的调度本质上就是在管理KV Cache的显存。"""),
    "网络编程/DPDK为什么快": dict(
        variant="opening", h1="DPDK为什么快", phrase="内核旁路", follow=["## 原理", "## 实现细节"],
        short="""DPDK快的根本原因是内核旁路：数据包不再经过内核协议栈，网卡通过UIO或VFIO把收发队列直接映射给用户态的轮询模式驱动，省掉了中断、系统调用和内核态到用户态的拷贝。

在此基础上，DPDK还做了一整套配套优化：用大页内存减少TLB miss，用无锁环形队列在核之间传递报文，把收包线程绑定在独占的CPU核上避免调度抖动，并且一次批量收发几十个包来摊薄每个包的固定开销。

代价也很明显：轮询模式会让CPU核心一直跑满，即使没有流量；协议栈要自己实现或者用第三方的用户态协议栈；网卡被DPDK接管后，常规的ifconfig、tcpdump等工具也无法直接使用。"""),
}

# =============================================================================================
# Planning
# =============================================================================================


@dataclass
class Chapter:
    cid: str
    zh: str
    en: str
    folders: list[str]
    terms: list[tuple[str, str]] = field(default_factory=list)
    titles: list[tuple] = field(default_factory=list)  # folder, lang, stem, code, h1
    facts_zh: list[str] = field(default_factory=list)
    facts_en: list[str] = field(default_factory=list)


@dataclass
class Note:
    idx: int
    folder: str
    stem: str
    lang: str
    chapter: Chapter
    code: str | None = None
    special: dict | None = None
    h1_text: str | None = None
    h1: str | None = ""
    shape: str = ""          # answer | opening | coding
    variant: str = ""
    split: bool = False
    opening_kind: str = ""   # headings | none
    phrase_code: str = ""
    fm: dict = field(default_factory=dict)
    outlines: list[str] = field(default_factory=list)
    flags: dict = field(default_factory=dict)

    @property
    def rel(self) -> str:
        return f"notes/{self.folder}/{self.stem}.md"

    @property
    def title(self) -> str:
        return self.h1 if self.h1 else self.stem

    @property
    def key(self) -> str:
        return f"{self.folder}/{self.stem}"


def parse_chapters() -> list[Chapter]:
    chapters: list[Chapter] = []
    cur: Chapter | None = None
    for raw in CHAPTERS_RAW.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("## "):
            cid, zh, en, folders = (p.strip() for p in line[3:].split("|"))
            cur = Chapter(cid, zh, en, [f.strip() for f in folders.split(",")])
            chapters.append(cur)
            continue
        assert cur is not None
        tag, rest = line[0], line[2:].strip()
        if tag == "T":
            cur.terms = [tuple(t.strip().split("=", 1)) for t in rest.split(";")]  # type: ignore[misc]
        elif tag in "QE":
            code = None
            if " !code=" in rest:
                rest, code = rest.split(" !code=")
            h1 = None
            if " => " in rest:
                rest, h1 = rest.split(" => ")
            folder = cur.folders[0]
            head, sep, tail = rest.partition("/")
            if sep and head in FOLDERS:
                folder, rest = head, tail
            cur.titles.append((folder, "zh" if tag == "Q" else "en", rest, code, h1))
        elif tag == "F":
            cur.facts_zh.append(rest)
        elif tag == "G":
            cur.facts_en.append(rest)
    for ch in chapters:
        for f in ch.folders:
            assert f in FOLDERS, (ch.cid, f)
    return chapters


BAD_NAME_CHARS = set(':/\\*?"<>|')


def unique_codes(rng: Random, n: int) -> list[str]:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    seen: set[str] = set()
    out = []
    while len(out) < n:
        c = "".join(rng.choice(alphabet) for _ in range(5))
        if c not in seen and any(ch.isdigit() for ch in c) and any(ch.isalpha() for ch in c):
            seen.add(c)
            out.append(c)
    return out


def plan_notes(n: int, rng: Random, chapters: list[Chapter]) -> list[Note]:
    """Choose the N notes: special ones, then hand-written titles, then templated titles."""
    by_cid = {c.cid: c for c in chapters}
    taken: set[tuple[str, str]] = set()
    notes: list[Note] = []

    def add(ch: Chapter, folder: str, lang: str, stem: str, code: str | None, h1: str | None = None) -> bool:
        k = (folder, stem.lower())
        if k in taken or len(notes) >= n:
            return False
        taken.add(k)
        notes.append(Note(len(notes), folder, stem, lang, ch, code, h1_text=h1))
        return True

    # 1. specials (always present)
    for key in SPECIALS:
        folder, stem = key.split("/", 1)
        ch = next(c for c in chapters for t in c.titles if t[0] == folder and t[2] == stem)
        notes_before = len(notes)
        add(ch, folder, "zh", stem, None)
        if len(notes) > notes_before:
            notes[-1].special = SPECIALS[key]
    # 2. hand-written titles, round-robin over chapters, keeping about EN_SHARE English
    queues = [{"zh": [t for t in c.titles if t[1] == "zh"], "en": [t for t in c.titles if t[1] == "en"]}
              for c in chapters]
    while any(q["zh"] or q["en"] for q in queues) and len(notes) < n:
        for ch, q in zip(chapters, queues):
            if len(notes) >= n or not (q["zh"] or q["en"]):
                continue
            want_en = sum(x.lang == "en" for x in notes) < EN_SHARE * (len(notes) + 1)
            lang = "en" if (want_en and q["en"]) or not q["zh"] else "zh"
            folder, lang, title, code, h1 = q[lang].pop(0)
            add(ch, folder, lang, title, code, h1)
    # 3. templated titles
    en_target = round(EN_SHARE * n)
    attempts = 0
    while len(notes) < n:
        attempts += 1
        ch = rng.choice(chapters)
        folder = ch.folders[0] if rng.random() < 0.6 else rng.choice(ch.folders)
        en_now = sum(1 for x in notes if x.lang == "en")
        lang = "en" if rng.random() < (en_target - en_now) / max(1, n - len(notes)) else "zh"
        terms = [t[1] if lang == "en" else t[0] for t in ch.terms]
        terms = [t for t in terms if not (set(t) & BAD_NAME_CHARS)]
        a, b = rng.sample(terms, 2)
        tmpl = rng.choice(EN_TITLE_T if lang == "en" else ZH_TITLE_T)
        stem = tmpl.format(a=a, b=b)
        if lang == "en":
            stem = stem[0].upper() + stem[1:]
        if attempts > 40 * n:  # vocabulary exhausted: number the duplicates
            stem = f"{stem}（{attempts}）" if lang == "zh" else f"{stem} ({attempts})"
        add(ch, folder, lang, stem, None)
    assert by_cid
    return notes


def deck(rng: Random, variants: dict, count: int, minimum: int) -> list[str]:
    """A shuffled list of `count` variant keys, each at least `minimum` times when room allows."""
    keys = list(variants)
    total_w = sum(v[1] for v in variants.values())
    base = {k: max(minimum, round(variants[k][1] / total_w * count)) for k in keys}
    out = [k for k in keys for _ in range(base[k])]
    rng.shuffle(out)
    while len(out) < count:
        out.append(rng.choices(keys, weights=[variants[k][1] for k in keys])[0])
    # trim from the most common variants first so rare ones keep their minimum
    while len(out) > count:
        counts = {k: out.count(k) for k in keys}
        big = max(keys, key=lambda k: counts[k])
        out.remove(big)
    rng.shuffle(out)
    return out


def assign_shapes(notes: list[Note], rng: Random) -> None:
    n = len(notes)
    for x in notes:
        if x.code:
            x.shape = "coding"
        if x.special:
            sp = x.special
            x.h1 = sp.get("h1", x.stem)
            if sp["variant"] == "opening":
                x.shape, x.variant, x.opening_kind = "opening", "opening", "headings"
            else:
                x.shape, x.variant, x.split = "answer", sp["variant"], sp["split"]
    free = [x for x in notes if not x.shape]
    target_body = round(BODY_ONLY_SHARE * n) - sum(1 for x in notes if x.shape == "opening")
    body = rng.sample(free, max(0, min(len(free), target_body)))
    body_ids = {x.idx for x in body}
    for x in body:
        x.shape, x.variant = "opening", "opening"
        r = rng.random()
        x.opening_kind = "none" if r < 0.3 else "headings"
        x.h1 = None if rng.random() < 0.25 else (x.h1_text or x.stem)
    rest = [x for x in free if x.idx not in body_ids]
    for lang, variants in (("zh", ZH_VARIANTS), ("en", EN_VARIANTS)):
        group = [x for x in rest if x.lang == lang]
        d = deck(rng, variants, len(group), 3 if lang == "zh" else 4)
        for x, v in zip(group, d):
            x.shape, x.variant = "answer", v
            x.split = rng.random() < variants[v][2]
            x.h1 = None if rng.random() < 0.04 else (x.h1_text or x.stem)
    for x in notes:
        if x.shape == "coding":
            x.variant = "coding"
            x.split = rng.random() < 0.4
            x.h1 = x.h1_text or x.stem
        if x.h1 and not x.special and not x.h1_text and rng.random() < 0.08:
            x.h1 = x.h1 + (rng.choice(["详解", "（面试版）", " —— 原理与实践"]) if x.lang == "zh"
                           else rng.choice([" (interview notes)", ", explained"]))


def plan_frontmatter(notes: list[Note], rng: Random, base: dt.date) -> None:
    intervals = {"easy": [1, 3, 7, 15, 30, 60], "medium": [1, 2, 5, 10, 21, 45],
                 "hard": [1, 1, 3, 7, 14, 30]}
    for x in notes:
        r = Random(f"fm/{rng.random()}")
        difficulty = r.choices(["easy", "medium", "hard"], weights=[25, 50, 25])[0]
        if r.random() < 0.28:
            created = base - dt.timedelta(days=r.randint(0, 50))
            nr = base if r.random() < 0.08 else created
            last, count, mastery = None, 0, 0.0
        else:
            count = r.randint(1, 9)
            p = r.random()
            if p < 0.06:
                nr = base
            elif p < 0.40:
                nr = base - dt.timedelta(days=r.randint(1, 40))
            else:
                nr = base + dt.timedelta(days=r.randint(1, 45))
            step = intervals[difficulty][min(count - 1, 5)]
            last = min(nr - dt.timedelta(days=step), base)
            created = last - dt.timedelta(days=r.randint(2 * count, 200))
            mastery = round(min(0.98, 0.07 * count + r.uniform(0.0, 0.35)), 2)
        p = r.random()
        style = "quoted" if p < 0.66 else ("bare" if p < 0.96 else "mixed")
        extra = []
        if r.random() < 0.15:
            extra = r.sample(["title", "status", "globs"], r.randint(1, 2))
        if x.h1_text and ": " in x.h1_text and "title" not in extra:
            extra.insert(0, "title")  # a title with ': ' must be quoted in YAML
        x.fm = dict(created=created, last_reviewed=last, next_review=nr, review_count=count,
                    difficulty=difficulty, mastery_level=mastery, style=style, extra=extra,
                    comment=r.random() < 0.025, status=r.choice(["draft", "reviewing", "done"]))


# =============================================================================================
# Text generation
# =============================================================================================


def yaml_str(s: str) -> str:
    """A YAML scalar for s, quoted only where PyYAML would quote it."""
    special_start = set("-?:,[]{}#&*!|>'\"%@`")
    lower = s.lower()
    needs = (
        not s or s[0] in special_start or s[0].isspace() or s[-1].isspace() or ": " in s
        or " #" in s or s.endswith(":") or lower in {"true", "false", "null", "yes", "no", "on", "off", "~"}
        or s.replace(".", "", 1).isdigit()
    )
    return "'" + s.replace("'", "''") + "'" if needs else s


class Writer:
    """Builds one note's text from its chapter vocabulary."""

    def __init__(self, note: Note, rng: Random, all_chapters: list[Chapter]):
        self.n = note
        self.r = rng
        self.zh = note.lang == "zh"
        ch = note.chapter
        terms = [t[0] if self.zh else t[1] for t in ch.terms]
        self.focus = rng.sample(terms, min(4, len(terms)))
        self.pool = list(terms)
        siblings = [c for c in all_chapters if c is not ch and note.folder in c.folders]
        if siblings and rng.random() < 0.5:  # real notes borrow vocabulary from neighbouring chapters
            sib = rng.choice(siblings)
            self.pool += rng.sample([t[0] if self.zh else t[1] for t in sib.terms], 3)
            if rng.random() < 0.5:
                self.focus[-1] = self.pool[-1]
        self.facts = list(ch.facts_zh if self.zh else ch.facts_en)
        rng.shuffle(self.facts)
        self.quality = ZH_QUALITY if self.zh else EN_QUALITY
        self.sents = ZH_SENT if self.zh else EN_SENT
        self.unused: dict[int, list[str]] = {}

    # ---- small pieces ---------------------------------------------------------------------------
    def terms3(self) -> tuple[str, str, str]:
        r = self.r
        a = r.choice(self.focus) if r.random() < 0.7 else r.choice(self.pool)
        rest = [t for t in self.pool if t != a]
        b, c = r.sample(rest, 2)
        return a, b, c

    def fill(self, tmpl: str, **extra) -> str:
        a, b, c = self.terms3()
        x, y = self.r.sample(self.quality, 2)
        return tmpl.format(a=a, b=b, c=c, x=x, y=y, n=self.r.randint(2, 16), **extra)

    def pick(self, templates: list[str]) -> str:
        """A template not used yet in this note (until all of them have been)."""
        left = self.unused.get(id(templates))
        if not left:
            left = self.unused[id(templates)] = list(templates)
        return left.pop(self.r.randrange(len(left)))

    def sentence(self) -> str:
        if self.facts and self.r.random() < 0.2:
            return self.facts.pop()
        return self.fill(self.pick(self.sents))

    def join(self, sents: list[str]) -> str:
        return ("" if self.zh else " ").join(sents)

    def para(self, lo: int = 2, hi: int = 4, insert: str | None = None) -> str:
        sents = [self.sentence() for _ in range(self.r.randint(lo, hi))]
        if insert:
            sents.insert(self.r.randint(0, len(sents)), insert)
        return self.join(sents)

    def bullets(self, numbered: bool, k: int | None = None) -> str:
        r = self.r
        k = k or r.randint(2, 4)
        terms = r.sample(self.pool, min(k, len(self.pool)))
        sep = "：" if self.zh else ": "
        lines = []
        for i, t in enumerate(terms, 1):
            mark = f"{i}." if numbered else "-"
            lines.append(f"{mark} **{t}**{sep}{self.sentence()}")
        return "\n".join(lines)

    def table(self) -> str:
        r = self.r
        head = "| 方案 | 优点 | 缺点 | 适用场景 |" if self.zh else "| Option | Pro | Con | Use when |"
        rows = [head, "| --- | --- | --- | --- |"]
        for t in r.sample(self.pool, min(len(self.pool), r.randint(2, 4))):
            a, b = r.sample(self.quality, 2)
            rows.append(f"| {t} | {a} | {b} | {r.choice(self.pool)} |")
        return "\n".join(rows)

    def code(self) -> str:
        lang = self.r.choice(FOLDER_LANGS.get(self.n.folder, ["python"]))
        return f"```{FENCE_LANG[lang]}\n{self.r.choice(SNIPPETS[lang])}\n```"

    def math(self) -> str:
        kind = (self.n.special or {}).get("math") or self.r.choice(math_kinds(self.n))
        inline, display = MATH[kind]
        i1, i2 = self.r.sample(inline, 2) if len(inline) > 1 else (inline[0], inline[0])
        lead = (f"用公式表示，{i1}，其中{i2}的量级决定了{self.r.choice(self.quality)}：" if self.zh else
                f"In symbols, {i1}, and {i2} sets the scale of the {self.r.choice(self.quality)}:")
        return f"{lead}\n\n$$\n{self.r.choice(display)}\n$$"

    def phrase_sentence(self, code: str) -> str:
        tmpl = self.r.choice(ZH_PHRASE_SENT if self.zh else EN_PHRASE_SENT)
        return self.fill(tmpl, P=code)

    # ---- sections -------------------------------------------------------------------------------
    def short_answer(self, code: str) -> str:
        r = self.r
        first = self.para(2, 3, insert=self.phrase_sentence(code))
        shape = r.random()
        if shape < 0.55:
            return first + "\n" + self.bullets(True, r.randint(3, 4))
        if shape < 0.8:
            return first + "\n\n" + self.bullets(False)
        return first + "\n\n" + self.para(2, 3)

    def detail_answer(self, code: str) -> str:
        r = self.r
        labels = r.sample(ZH_LABELS if self.zh else EN_LABELS, r.randint(2, 3))
        cue = (DETAIL_ZH if self.zh else DETAIL_EN).format(P=code)
        parts = []
        for i, lab in enumerate(labels):
            head = f"**{lab}：**" if self.zh else f"**{lab}.**"
            body = self.para(2, 4, insert=(cue + ("。" if self.zh else ".")) if i == 0 else None)
            if r.random() < 0.4:
                body += "\n\n" + self.bullets(True)
            parts.append(head + "\n" + body)
        return "\n\n".join(parts)

    def subsection(self, i: int, allow_math: bool, deep_cue: str | None, allow_code: bool = True) -> str:
        r = self.r
        title = self.fill(self.pick(ZH_SUB_T if self.zh else EN_SUB_T))
        cue = (deep_cue + ("。" if self.zh else ".")) if deep_cue else None
        parts = [f"### {i}. {title}", self.para(2, 5, insert=cue)]
        roll = r.random()
        if allow_math and roll < 0.3:
            parts.append(self.math())
        elif roll < 0.55 and allow_code:
            parts.append(self.code())
        elif roll < 0.68:
            parts.append(self.table())
        elif roll < 0.85:
            parts.append(self.bullets(False))
        if r.random() < 0.25:
            parts.append(f"#### {i}.1 " + self.fill(self.pick(ZH_SUB_T if self.zh else EN_SUB_T)))
            parts.append(self.para(2, 3))
        if r.random() < 0.35:
            parts.append(self.para(1, 3))
        return "\n\n".join(parts)

    def followups(self, heading: str, style: str, k: int) -> str:
        r = self.r
        qs = [self.pick(ZH_Q_T if self.zh else EN_Q_T) for _ in range(k)]
        out = [heading, ""]
        for i, qt in enumerate(qs, 1):
            q = self.fill(qt)
            a = self.para(1, 3)
            if style == "bold":
                out += [f"**Q: {q}**", f"A: {a}", ""]
            else:
                colon = "：" if (self.zh and r.random() < 0.1) else ": "
                out += [f"### Q{i}{colon}{q}", f"**A:** {a}", ""]
        return "\n".join(out).rstrip()

    def tips(self, heading: str) -> str:
        r = self.r
        lines = [heading, ""]
        for i, t in enumerate(r.sample(ZH_TIPS, r.randint(3, 5)), 1):
            lines.append(f"{i}. {self.fill(t)}")
        return "\n".join(lines)


# =============================================================================================
# Rendering a note
# =============================================================================================


def fmt_date(d: dt.date | None, quoted: bool) -> str:
    if d is None:
        return "null"
    return f"'{d.isoformat()}'" if quoted else d.isoformat()


def render_frontmatter(x: Note) -> str:
    fm, r = x.fm, Random(f"fmr/{x.key}")
    style = fm["style"]
    q = {k: (style == "quoted") or (style == "mixed" and r.random() < 0.5)
         for k in ("created", "last_reviewed", "next_review")}
    lines = []
    if "title" in fm["extra"]:
        lines.append(f"title: {yaml_str(x.title) if r.random() < 0.6 else json.dumps(x.title, ensure_ascii=False)}")
    lines.append(f"created: {fmt_date(fm['created'], q['created'])}")
    lines.append(f"last_reviewed: {fmt_date(fm['last_reviewed'], q['last_reviewed'])}")
    nr = f"next_review: {fmt_date(fm['next_review'], q['next_review'])}"
    if fm["comment"]:
        nr += "  # 手动调整过，面试前再看一遍"
    lines.append(nr)
    lines.append(f"review_count: {fm['review_count']}")
    lines.append(f"difficulty: {fm['difficulty']}")
    if "status" in fm["extra"]:
        lines.append(f"status: {fm['status']}")
    lines.append(f"mastery_level: {fm['mastery_level']}")
    lines += ["tags:", f"- {yaml_str(x.folder)}", f"- {yaml_str(x.folder + '/' + x.stem + '.md')}"]
    if x.outlines:
        lines.append("related_outlines:")
        lines += [f"- {yaml_str(o)}" for o in x.outlines]
    else:
        lines.append("related_outlines: []")
    if "globs" in fm["extra"]:
        lines.append("globs:" if r.random() < 0.5 else "globs: notes/**/*.md")
    return "---\n" + "\n".join(lines) + "\n---\n"


class Numberer:
    """Prefixes H2 headings in numbered notes: '一、' or '1. ...：'."""

    def __init__(self, style: str | None):
        self.style, self.i = style, 0

    def __call__(self, title: str) -> str:
        if not self.style:
            return f"## {title}"
        self.i += 1
        if self.style == "cn":
            return f"## {CN_NUM[self.i - 1]}、{title}"
        return f"## {self.i}. {title}："


def pick_deep_heading(r: Random, zh: bool) -> list[str] | None:
    if zh:
        return r.choices([["深度讲解"], ["详细讲解"], ["详细技术解析"], ["详细解析"], ["原理", "实现细节"], None],
                         weights=[50, 15, 10, 10, 10, 5])[0]
    return r.choices([["Deep dive"], ["How it works"], None], weights=[80, 10, 10])[0]


def render_note(x: Note, chapters: list[Chapter], by_key: dict[str, Note],
                chapter_notes: dict[str, list[Note]], images: dict[str, bytes]) -> tuple[str, dict]:
    r = Random(f"note/{x.key}/{x.idx}")
    w = Writer(x, r, chapters)
    zh = x.lang == "zh"
    meta: dict = {}
    code = x.phrase_code
    P = (PHRASE_ZH if zh else PHRASE_EN).format(P=code)
    D = (DETAIL_ZH if zh else DETAIL_EN).format(P=code + "D")
    E = (DEEP_ZH if zh else DEEP_EN).format(P=code + "E")
    math_ok = bool(math_kinds(x)) and x.shape != "coding" and (r.random() < 0.45 or bool((x.special or {}).get("math")))
    img_ok = r.random() < 0.06
    sp = x.special or {}

    variants = ZH_VARIANTS if zh else EN_VARIANTS
    numbering = variants[x.variant][3] if x.shape == "answer" else None
    num = Numberer(numbering)
    head: list[str] = []     # before the answer
    answer: list[str] = []   # answer section(s)
    deep: list[str] = []
    tail: list[str] = []
    meta.update(answer_phrase=P, answer_split=False, detail_phrase=None, deep_phrase=None,
                deep_heading=None, followups=None, math=False, images=[])

    if x.h1:
        head.append(f"# {x.h1}")
    if x.shape == "answer" and x.h1 and not sp and r.random() < 0.15:
        a, b, c = w.terms3()
        head.append(r.choice([f"> 面试频率：⭐⭐⭐⭐ | 难度：{x.fm['difficulty']}", f"**关键词**：{a}、{b}、{c}",
                              f"> 本文整理自面试复盘，重点是{a}。"]) if zh else
                    r.choice(["> Asked in 3 onsite loops this year.", f"**Keywords**: {a}, {b}, {c}"]))

    # ---------------------------------------------------------------- the answer
    if x.shape == "answer":
        heading = variants[x.variant][0]
        meta["answer_heading"] = heading
        if sp:
            short = sp["short"].replace("{P}", code)
            detail = sp.get("detail", "").replace("{D}", code + "D")
            P = (PHRASE_ZH if zh else PHRASE_EN).format(P=code)
            if detail:
                D = (DETAIL_ZH if zh else DETAIL_EN).format(P=code + "D")
        else:
            short = w.short_answer(code)
            detail = w.detail_answer(code + "D") if x.split else ""
        if x.variant == "biaoshu":
            answer.append(num("核心回答"))
            answer.append(f"{heading}\n\n{short}")
            answer.append(("### 关键展开\n\n" if zh else "### Key points\n\n") + w.para(2, 4) + "\n\n" + w.bullets(True))
        elif x.split:
            s30, s3m = SPLIT_ZH if zh else SPLIT_EN
            h = num("面试标准答案") if numbering == "cn" else heading
            meta["answer_heading"] = h
            gap = "\n" if r.random() < 0.6 else "\n\n"
            answer.append(f"{h}\n\n{s30}{gap}{short}")
            answer.append(f"{s3m}\n\n{detail}")
            meta.update(answer_split=True, detail_phrase=D, split_headings=[s30, s3m])
        else:
            h = heading
            if numbering == "cn":
                h = num("面试标准答案")
            elif numbering == "ar":
                h = num("概述")
            meta["answer_heading"] = h
            body = short
            if not sp and r.random() < 0.35:
                body += "\n\n" + w.para(2, 4)
            answer.append(f"{h}\n\n{body}")
        deep_titles = pick_deep_heading(r, zh)
        ml_folder = x.folder in {"Transformer", "Attention", "LLM推理", "深度学习", "机器学习", "分布式训练"}
        if not sp and math_ok and ml_folder and r.random() < 0.3:
            first = MATH[r.choice(math_kinds(x))][0][0]
            answer[-1] += "\n\n" + (f"直观地说，{first}与$x_i*w_i$、$y_j*v_j$这类乘积项决定了计算量。" if zh else
                                    f"Roughly, {first} and products like $x_i*w_i$ and $y_j*v_j$ set the cost.")
            meta["math"] = True
        if sp.get("math"):
            meta["math"] = True
    elif x.shape == "coding":
        desc, idea, lang, src = CODING[x.code]
        meta["answer_heading"] = CODING_ANSWER
        head.append("## 题目描述\n\n" + desc + "\n\n要求：\n" + w.bullets(True, 2))
        deep_titles = ["思路讲解"]
        oral_short = idea + w.phrase_sentence(code)
        if x.split:
            s30, s3m = SPLIT_ZH
            answer.append(f"{CODING_ANSWER}\n\n{s30}\n{oral_short}\n\n{s3m}\n{w.para(3, 5, insert=D + '。')}")
            meta.update(answer_split=True, detail_phrase=D, split_headings=[s30, s3m])
        else:
            answer.append(f"{CODING_ANSWER}\n\n{oral_short}{w.para(1, 3)}")
        tail.append(f"## 代码实现\n\n```{FENCE_LANG[lang]}\n{src}\n```")
        tail.append("## 复杂度分析\n\n" + w.bullets(False, 2))
    else:  # opening: no answer heading at all
        meta["answer_heading"] = "opening"
        if sp:
            P = sp["phrase"]
            paras = [sp["short"]]
        else:
            paras = [w.para(2, 4, insert=w.phrase_sentence(code))]
            for _ in range(r.randint(1, 3)):
                paras.append(w.para(2, 4) if r.random() < 0.7 else w.bullets(False))
        if r.random() < 0.1 and not sp:
            paras.insert(0, "> 面试高频题，先背下面这段。" if zh else "> Asked often; learn the first paragraph.")
        answer.append("\n\n".join(paras))
        if x.opening_kind == "none":
            deep_titles = None
        else:
            deep_titles = sp.get("follow") or [t[3:] for t in r.choice(OPENING_FOLLOW_ZH if zh else OPENING_FOLLOW_EN)]
        meta["opening_kind"] = x.opening_kind
    meta["answer_phrase"] = P

    # ---------------------------------------------------------------- deep dive(s)
    deep_headings: list[str] = []
    if deep_titles:
        for j, t in enumerate(deep_titles):
            h = num(t) if x.shape == "answer" else f"## {t}"
            deep_headings.append(h)
            deep.append(h)
        meta["deep_heading"] = deep_headings[0]
        meta["deep_phrase"] = E

    # ---------------------------------------------------------------- tail sections
    has_headings = not (x.shape == "opening" and x.opening_kind == "none")
    if has_headings and r.random() < 0.85:
        if zh:
            fh = r.choices(["常见面试追问", "面试常见问题与回答"], weights=[70, 30])[0]
            style = ("heading" if r.random() < 0.85 else "bold") if fh == "常见面试追问" else \
                    ("bold" if r.random() < 0.8 else "heading")
        else:
            fh, style = "Follow-up questions", ("bold" if r.random() < 0.7 else "heading")
        fh_line = num(fh) if x.shape == "answer" else f"## {fh}"
        k = r.randint(3, 6)
        tail.append(w.followups(fh_line, style, k))
        meta["followups"] = dict(heading=fh_line, style=style, count=k)
    if has_headings:
        summary = None
        if zh and r.random() < 0.8:
            summary = (num("总结") if x.shape == "answer" else "## 总结") + "\n\n" + w.para(2, 4)
        elif not zh and r.random() < 0.7:
            summary = f"## {r.choice(['Key takeaways', 'Wrap-up', 'Conclusion'])}\n\n" + w.para(2, 4)
        tips = w.tips("## 面试技巧提示") if zh and r.random() < 0.65 else None
        order = [tips, summary] if r.random() < 0.3 else [summary, tips]
        tail += [s for s in order if s]
    # related-notes block
    related: list[Note] = []
    if has_headings and r.random() < 0.6:
        mates = [m for m in chapter_notes[x.chapter.cid] if m is not x]
        mates += [m for m in chapter_notes.get("folder:" + x.folder, []) if m is not x and m not in mates]
        related = mates[: r.randint(1, 3)] if len(mates) <= 3 else r.sample(mates[:12], r.randint(1, 3))
    if related:
        sims = sorted((r.randint(15, 72) for _ in related), reverse=True)
        lines = ["---", "", "## 相关笔记", "<!-- 自动生成 -->", ""]
        for m, s in zip(related, sims):
            rel = f"{m.folder}/{m.stem}.md"
            lines.append(f"- [{m.title}](notes/{rel}) - 相似度: {s}% | 标签: {m.folder}, {rel}")
        block = "\n".join(lines)
        if r.random() < 0.12:
            block += "\n\n## 参考资料\n\n- " + w.sentence()
            meta["after_related"] = "## 参考资料"
        tail.append(block)
        meta["related_block"] = [m.rel for m in related]

    # ---------------------------------------------------------------- size control
    def assemble() -> str:
        if x.shape == "coding":  # 题目描述, 思路讲解, 面试时的快速口述讲解, 代码实现
            return "\n\n".join(head + deep + answer + tail) + "\n"
        return "\n\n".join(head + answer + deep + tail) + "\n"

    fixed = len(assemble().encode())
    if x.shape == "opening" and x.opening_kind == "none":
        target = r.randint(1100, 3200)
    else:
        target = int(r.triangular(1800, 9800, 4200))
    cap = 9800
    if deep_headings:
        # spread subsections over the deep headings; the first carries the deep-dive marker
        blocks: list[list[str]] = [[] for _ in deep_headings]
        i = 0
        size = fixed
        while True:
            slot = i % len(blocks)
            sub = w.subsection(len(blocks[slot]) + 1, bool(math_ok), E if i == 0 else None,
                               allow_code=x.shape != "coding")
            if i == 0 and img_ok:
                name = f"{x.chapter.cid}_{x.idx}.png"
                images[f"notes/{x.folder}/images/{name}"] = tiny_png(x.idx)
                alt = "" if r.random() < 0.6 else ("示意图" if zh else "diagram")
                sub += f"\n\n![{alt}](images/{name})"
                meta["images"].append(f"notes/{x.folder}/images/{name}")
            n_bytes = len(sub.encode()) + 2
            if i > 0 and size + n_bytes > cap:
                break
            blocks[slot].append(sub)
            size += n_bytes
            i += 1
            if size >= target and i >= len(blocks):
                break
            if i > 40:
                break
        deep = []
        for h, b in zip(deep_headings, blocks):
            deep.append(h)
            deep += b
        if math_ok and any("$$" in s for b in blocks for s in b):
            meta["math"] = True
    else:
        # no deep section: grow the body (answer for no-heading notes, else one more tail paragraph)
        while len(assemble().encode()) < min(target, 1100 if x.shape != "opening" else target):
            if x.shape == "opening" and x.opening_kind == "none":
                add = w.para(2, 4) if r.random() < 0.75 else (w.code() if r.random() < 0.5 else w.bullets(False))
                if len(assemble().encode()) + len(add.encode()) > cap:
                    break
                answer[-1] += "\n\n" + add
            else:
                answer[-1] += "\n\n" + w.para(2, 4)
        if x.shape == "opening" and x.opening_kind == "none" and img_ok:
            name = f"{x.chapter.cid}_{x.idx}.png"
            images[f"notes/{x.folder}/images/{name}"] = tiny_png(x.idx)
            answer[-1] += f"\n\n![](images/{name})"
            meta["images"].append(f"notes/{x.folder}/images/{name}")
    text = assemble()
    # the frontmatter is usually followed directly by the H1 (as in the seed)
    sep = "\n" if r.random() < 0.2 else ""
    text = render_frontmatter(x) + sep + text
    if r.random() < 0.03:
        text = text.rstrip("\n")
        meta["no_final_newline"] = True
    return text, meta


def tiny_png(seed: int) -> bytes:
    """A valid 2x2 RGB PNG whose colour depends on seed."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    rgb = bytes(((seed * 37) % 256, (seed * 91) % 256, (seed * 53) % 256))
    raw = b"".join(b"\x00" + rgb * 2 for _ in range(2))
    ihdr = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


# =============================================================================================
# Outlines (the ground truth for "related notes": one heading = one group)
# =============================================================================================

OUTLINES = [
    dict(path="outlines/C++面试复习大纲.md", title="C++ 面试复习大纲", style="h2cn",
         intro="> 面试前一周按这个顺序过一遍，每个题先背30秒版本。",
         groups=["cpp_mem", "cpp_poly", "cpp_stl", "cpp_move", "cpp_basic", "io_mux", "arch_cache", "dp_create"],
         links={"rel": 50, "angle": 20, "wiki": 20, "root": 10}, dangling=("C++20协程", "C++")),
    dict(path="outlines/操作系统 & Linux.md", title="操作系统 & Linux 复习大纲", style="parts",
         intro="操作系统偏原理，Linux偏排查和命令，两部分交叉着复习。",
         parts=[("第一部分：操作系统", ["os_proc", "os_mem", "os_sync", "os_sched"]),
                ("第二部分：Linux", ["linux_perf", "linux_fs", "linux_proc", "cn_docker"])],
         links={"rel": 40, "enc": 15, "root": 20, "wiki": 25}, dangling=("eBPF入门", "Linux")),
    dict(path="outlines/计算机网络（TCP-IP）.md", title="计算机网络（TCP/IP）", style="h3links",
         intro="按协议栈自底向上整理，标⭐的是高频题。",
         groups=["net_tcp", "net_cc", "net_http", "net_dns", "net_perf", "io_mux"],
         links={"rel": 60, "angle": 40}, dangling=None),
    dict(path="outlines/Transformer与注意力机制.md", title="Transformer 与注意力机制", style="h2ar",
         intro="按“动机 → 打分函数 → 结构 → 工程优化”的顺序复习。",
         groups=["attn_basic", "attn_sdpa", "attn_eff", "tf_arch", "tf_pos", "dl_norm", "kv_cache"],
         links={"rel": 40, "wiki_alias": 20, "wiki_head": 20, "angle": 20}, dangling=None),
    dict(path="outlines/LLM推理优化.md", title="LLM 推理优化", style="bullets",
         intro="前置知识见 [Transformer与注意力机制](Transformer与注意力机制.md)，论文见 [vLLM](https://arxiv.org/abs/2309.06180)。",
         groups=["kv_cache", "llm_batch", "llm_quant", "llm_spec", "attn_eff", "dt_par", "rag_ret", "rag_vec"],
         links={"wiki": 40, "wiki_alias": 20, "wiki_head": 10, "rel": 30}, dangling=("CUDA Graph的作用", "LLM推理")),
    dict(path="outlines/LeetCode Hot 100.md", title="LeetCode Hot 100（按题型）", style="numbered",
         intro="每道题先口述思路，再限时15分钟手写。",
         groups=["lc_list", "lc_dp", "lc_window", "lc_graph", "ds_tree"],
         links={"root": 60, "rel": 40}, dangling=None),
    dict(path="outlines/System Design 100%覆盖清单.md", title="System Design 100% 覆盖清单", style="tasks",
         intro="- [ ] 表示还没复习，- [x] 表示已经能讲清楚。",
         groups=["sd_rate", "sd_cache", "sd_id", "dist_consensus", "dist_cap", "mq_kafka", "mq_rel",
                 "redis_ds", "redis_persist", "db_index", "db_txn"],
         links={"rel": 50, "root": 30, "angle": 20}, dangling=("设计一个秒杀系统", "System Design")),
]


def plan_outlines(chapter_notes: dict[str, list[Note]], chapters: list[Chapter]) -> list[dict]:
    """Decide which notes each outline heading lists; records outline membership on the notes."""
    by_cid = {c.cid: c for c in chapters}
    seen_chapter: set[str] = set()
    plans = []
    for spec in OUTLINES:
        cids = spec.get("groups") or [c for _, cs in spec["parts"] for c in cs]
        groups = []
        for cid in cids:
            members = chapter_notes.get(cid, [])
            cap = 6 if cid in seen_chapter else 10
            seen_chapter.add(cid)
            members = members[:cap]
            if not members:
                continue
            groups.append(dict(cid=cid, chapter=by_cid[cid], notes=members))
        plans.append(dict(spec=spec, groups=groups))
    return plans


def encode_spaces(p: str) -> str:
    return p.replace(" ", "%20")


def render_outline(plan: dict, metas: dict[str, dict], stems: dict[str, int], rng: Random,
                   existing: set[str]) -> tuple[str, dict]:
    spec = plan["spec"]
    r = Random(f"outline/{spec['path']}/{rng.random()}")
    styles = list(spec["links"])
    weights = [spec["links"][s] for s in styles]
    links: list[dict] = []
    groups_out: list[dict] = []

    def link(x: Note, text: str | None = None) -> str:
        kind = r.choices(styles, weights=weights)[0]
        if kind == "enc" and " " not in x.rel:
            kind = "rel"
        if kind == "wiki_head" and metas[x.rel]["answer_heading"] == "opening":
            kind = "wiki"
        label = text or (x.special or {}).get("alias") or x.title
        wiki_target = x.stem if stems[x.stem.lower()] == 1 else f"{x.folder}/{x.stem}"
        if kind == "rel":
            dest = f"../{x.rel}"
            s = f"[{label}]({dest})"
        elif kind == "root":
            dest = x.rel
            s = f"[{label}]({dest})"
        elif kind == "angle":
            dest = f"<../{x.rel}>"
            s = f"[{label}]({dest})"
        elif kind == "enc":
            dest = encode_spaces(f"../{x.rel}")
            s = f"[{label}]({dest})"
        elif kind == "wiki":
            dest = wiki_target + (".md" if r.random() < 0.05 else "")
            s = f"[[{dest}]]"
        elif kind == "wiki_alias":
            dest = wiki_target
            s = f"[[{dest}|{label}]]"
        else:  # wiki_head
            h = metas[x.rel]["answer_heading"].lstrip("#").strip()
            dest = f"{wiki_target}#{h}"
            s = f"[[{dest}]]" if r.random() < 0.5 else f"[[{dest}|{label}]]"
        links.append(dict(kind=kind, dest=dest, target=x.rel))
        return s

    def keypoints(ch: Chapter) -> str:
        a, b = r.sample([t[0] for t in ch.terms], 2)
        return f"{a}、{b}"

    out = [f"# {spec['title']}", "", spec["intro"], ""]
    style = spec["style"]
    if style == "parts":
        idx = {g["cid"]: g for g in plan["groups"]}
        for pi, (part, cids) in enumerate(spec["parts"], 1):
            out += [f"## {part}", ""]
            for ci, cid in enumerate(cids, 1):
                g = idx.get(cid)
                if not g:
                    continue
                heading = f"{pi}.{ci} {g['chapter'].zh}"
                out += [f"### {heading}", ""]
                for x in g["notes"]:
                    out.append(f"- {link(x)}")
                    if r.random() < 0.3:
                        out.append(f"  - 重点：{keypoints(g['chapter'])}")
                out.append("")
                groups_out.append(dict(heading=f"### {heading}", level=3, notes=[x.rel for x in g["notes"]]))
    elif style == "bullets":
        out += ["## 目录", ""]
        for g in plan["groups"]:
            out.append(f"- {g['chapter'].zh}")
            for x in g["notes"]:
                out.append(f"  - {link(x)}")
                if r.random() < 0.35:
                    out.append(f"    - {keypoints(g['chapter'])}")
            groups_out.append(dict(heading=f"- {g['chapter'].zh}", level="bullet", notes=[x.rel for x in g["notes"]]))
        out.append("")
    else:
        for gi, g in enumerate(plan["groups"], 1):
            ch = g["chapter"]
            heading = {"h2cn": f"{CN_NUM[(gi - 1) % 10]}、{ch.zh}", "h2ar": f"{gi}. {ch.zh}",
                       "h3links": ch.zh, "numbered": f"{ch.zh}（{len(g['notes'])}题）",
                       "tasks": ch.zh}[style]
            out += [f"## {heading}", ""]
            for ni, x in enumerate(g["notes"], 1):
                if style == "h3links":
                    star = " ⭐" if r.random() < 0.3 else ""
                    out += [f"### {link(x)}{star}", "", f"- {keypoints(ch)}", ""]
                elif style == "numbered":
                    level = r.choice(["简单", "中等", "困难"])
                    out.append(f"{ni}. {link(x)}（{level}）")
                elif style == "tasks":
                    mark = "x" if r.random() < 0.3 else " "
                    out.append(f"- [{mark}] {link(x)}")
                else:
                    out.append(f"- {link(x)}")
                    if r.random() < 0.25:
                        out.append(f"  - {keypoints(ch)}")
            if style != "h3links":
                out.append("")
            groups_out.append(dict(heading=f"## {heading}", level=2, notes=[x.rel for x in g["notes"]]))
    dangling = []
    if spec.get("dangling"):
        title, folder = spec["dangling"]
        rel = f"notes/{folder}/{title}.md"
        if rel not in existing:
            out += ["## 待写", "", f"- [{title}](../{rel})（还没写）", "- 其他：" + r.choice(["面试官问到的冷门题", "补充项目经历"]), ""]
            links.append(dict(kind="rel", dest=f"../{rel}", target=None))
            dangling.append(rel)
    text = "\n".join(out).rstrip() + "\n"
    return text, dict(path=spec["path"], groups=groups_out, links=links, dangling=dangling)


# =============================================================================================
# Files that are not notes, the old tools' checklist and config
# =============================================================================================

TEMPLATE_NOTE = """---
created: '{{date:YYYY-MM-DD}}'
last_reviewed: null
next_review: '{{date:YYYY-MM-DD}}'
review_count: 0
difficulty: medium
mastery_level: 0.0
tags:
- {{topic}}
- {{topic}}/{{title}}.md
related_outlines: []
---
# {{title}}

## 面试标准答案

### 核心要点（30秒版本）

### 详细技术答案（2-3分钟版本）

## 深度讲解

## 常见面试追问

### Q1:
**A:**

## 总结

## 面试技巧提示
"""

CODING_TEMPLATE = """---
created: '{{date:YYYY-MM-DD}}'
difficulty: medium
tags:
- LeetCode
---
# {{title}}

## 题目描述

## 思路讲解

## 面试时的快速口述讲解

## 代码实现

```python
```
"""

TOPIC_TEMPLATE = """---
created: '2025-09-01'
last_reviewed: null
next_review: '2025-09-01'
review_count: 0
difficulty: medium
mastery_level: 0.0
tags:
- Transformer
- Transformer/note_template.md
related_outlines: []
---
# 题目（复制本文件后改名）

## 面试标准答案

### 核心要点（30秒版本）
一句话说清楚这个机制解决了什么问题。

### 详细技术答案（2-3分钟版本）
按 问题背景 → 核心机制 → 公式 → 优缺点 展开。

## 深度讲解

### 1. 数学推导

$$
\\text{softmax}(x)_i = \\frac{e^{x_i}}{\\sum_j e^{x_j}}
$$

## 常见面试追问

### Q1: 这里写追问
**A:** 这里写回答

## 总结

用两三句话收尾。
"""

CLAUDE_MD = """# CLAUDE.md

本目录是面试复习笔记库。生成或修改笔记时请遵守以下规范。

## 笔记格式

每篇笔记一个问题，文件名就是问题本身，放在对应主题目录下，例如 `notes/C++/虚函数的实现原理.md`。

frontmatter 必须包含：

```yaml
created: 'YYYY-MM-DD'
last_reviewed: null
next_review: 'YYYY-MM-DD'
review_count: 0
difficulty: medium
mastery_level: 0.0
tags:
- 主题
- 主题/文件名.md
related_outlines: []
```

## 正文结构

## 面试标准答案

### 核心要点（30秒版本）
### 详细技术答案（2-3分钟版本）

## 深度讲解
## 常见面试追问
## 总结
## 面试技巧提示

## 禁止事项

- 不要手动修改 `## 相关笔记` 下 `<!-- 自动生成 -->` 之后的内容，它由 `scripts/auto_link.py` 生成。
- 不要修改 review_count、last_reviewed，它们由复习脚本维护。
"""

AGENTS_MD = """# AGENTS.md

Instructions for coding agents working in this notes vault.

- One interview question per Markdown file under `notes/<Topic>/`.
- Keep the YAML frontmatter keys in this order: created, last_reviewed, next_review,
  review_count, difficulty, mastery_level, tags, related_outlines.
- Answer first (`## 面试标准答案`), then `## 深度讲解`, then `## 常见面试追问`.
- Never edit `reviewsToday.md` by hand except to tick boxes.
- Run `python scripts/auto_link.py` after adding notes to refresh the related-notes blocks.

## Answer

This heading is here only to show the format; this file is not a note.
"""

CURSORRULES = """# Cursor rules for the notes vault
You are helping write interview notes in Chinese.
- Every note starts with YAML frontmatter (see notes/CLAUDE.md).
- Use "## 面试标准答案" for the answer, with a 30-second and a 2-3 minute version.
- Prefer concrete numbers and trade-offs over adjectives.
"""

OBSIDIAN_WORKSPACE = """# workspace

- 最近打开: [[select()、poll()、epoll()的工作原理和区别]]
- 最近打开: [[KV Cache的原理与作用]]

## 面试标准答案

(Obsidian 插件导出的工作区快照，不是笔记)
"""

TRASH_NOTE = """---
created: '2025-03-02'
last_reviewed: null
next_review: '2025-03-02'
review_count: 0
difficulty: easy
mastery_level: 0.0
tags:
- C++
- C++/虚函数（旧版）.md
related_outlines: []
---
# 虚函数（旧版）

## 面试标准答案

旧版笔记，已被 notes/C++/虚函数的实现原理.md 取代。
"""

VENDOR_README = """# vendor-notes

从同事的仓库同步过来的笔记（git submodule 风格的独立仓库），不要在这里直接修改。
"""

VENDOR_NOTE = """---
created: '2025-06-01'
last_reviewed: null
next_review: '2025-06-01'
review_count: 0
difficulty: medium
mastery_level: 0.0
tags:
- 计算机网络
- vendor-notes/TCP拥塞控制笔记.md
related_outlines: []
---
# TCP拥塞控制笔记

## 面试标准答案

慢启动、拥塞避免、快速重传、快速恢复。这份笔记属于同事的仓库。

## 深度讲解

CUBIC 用三次函数增长窗口，BBR 基于带宽和 RTT 的测量。
"""


def write_tool_files(root: Path, notes: list[Note]) -> list[dict]:
    """Write files under notes/ that are not notes; return their manifest entries."""
    out: list[dict] = []

    def put(rel: str, text: str, reason: str) -> None:
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(text.encode("utf-8"))
        out.append(dict(path=rel, is_note=False, reason=reason))

    folders = sorted({x.folder for x in notes}, key=FOLDERS.index)
    readme = ["# 面试笔记索引", "", "按主题整理的面试题，每个目录一个主题。", ""]
    for f in folders:
        k = sum(1 for x in notes if x.folder == f)
        readme.append(f"- [{f}](<{f}/>)（{k} 篇）")
    readme += ["", "## 使用方法", "", "每天打开根目录的 `reviewsToday.md` 按清单复习。", ""]
    put("notes/README.md", "\n".join(readme), "tool file: README.md")
    cpp = [x for x in notes if x.folder == "C++"]
    lines = ["# C++ 专题", "", "按重要程度排序：", ""]
    for x in cpp[:15]:
        lines.append(f"- [{x.title}](./{x.stem}.md)")
    put("notes/C++/README.md", "\n".join(lines) + "\n", "tool file: README.md")
    put("notes/CLAUDE.md", CLAUDE_MD, "tool file: CLAUDE.md")
    put("notes/AGENTS.md", AGENTS_MD, "tool file: AGENTS.md")
    put("notes/.cursorrules", CURSORRULES, "tool file: .cursorrules (not Markdown)")
    put("notes/_templates/template.md", TEMPLATE_NOTE, "template folder (_templates)")
    put("notes/_templates/coding_template.md", CODING_TEMPLATE, "template folder (_templates)")
    put("notes/Transformer/note_template.md", TOPIC_TEMPLATE, "template file (name contains 'template')")
    put("notes/.obsidian/workspace.md", OBSIDIAN_WORKSPACE, "dot-folder (.obsidian)")
    put("notes/.obsidian/app.json", '{\n  "alwaysUpdateLinks": true\n}\n', "dot-folder (.obsidian)")
    put("notes/.trash/虚函数（旧版）.md", TRASH_NOTE, "dot-folder (.trash)")
    put("notes/vendor-notes/README.md", VENDOR_README, "nested git repository (notes/vendor-notes)")
    put("notes/vendor-notes/TCP拥塞控制笔记.md", VENDOR_NOTE, "nested git repository (notes/vendor-notes)")
    init_nested_repo(root / "notes/vendor-notes")
    return out


def init_nested_repo(path: Path) -> bool:
    git = shutil.which("git")
    if not git:
        (path / ".git").mkdir(exist_ok=True)
        (path / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
        return False
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_AUTHOR_NAME="vendor", GIT_AUTHOR_EMAIL="vendor@example.com",
               GIT_COMMITTER_NAME="vendor", GIT_COMMITTER_EMAIL="vendor@example.com",
               GIT_AUTHOR_DATE="2026-01-15T10:00:00+00:00", GIT_COMMITTER_DATE="2026-01-15T10:00:00+00:00",
               GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")
    run = lambda *a: subprocess.run([git, *a], cwd=path, env=env, check=True,  # noqa: E731
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    run("-c", "init.defaultBranch=main", "init", "-q", "--template=")
    run("add", "README.md", "TCP拥塞控制笔记.md")
    run("-c", "commit.gpgsign=false", "commit", "-q", "-m", "import vendor notes")
    return True


WEEKDAYS = "一二三四五六日"


def render_checklist(notes: list[Note], base: dt.date, rng: Random) -> tuple[str, list[dict]]:
    """reviewsToday.md in the shape the old scripts wrote it (unencoded paths, numbered lines)."""
    r = Random(f"checklist/{rng.random()}")
    nr = lambda x: x.fm["next_review"]  # noqa: E731
    overdue = sorted((x for x in notes if nr(x) < base), key=lambda x: (nr(x), x.idx))
    today = [x for x in notes if nr(x) == base]
    week = sorted((x for x in notes if base < nr(x) <= base + dt.timedelta(days=7)), key=lambda x: (nr(x), x.idx))
    entries: list[dict] = []
    lines = [f"# 📚 今日复习 - {base.isoformat()}", "",
             f"> 由 scripts/daily_review.py 生成于 {base.isoformat()} 08:00 | 共 {len(notes)} 篇笔记", ""]

    def item(x: Note, section: str, number: int | None, mark: str) -> None:
        prefix = f"**{number}.** " if number is not None else ""
        lines.append(f"{prefix}- [{mark}] [{x.title}]({x.rel})")
        entries.append(dict(section=section, line_no=len(lines), path=x.rel, mark=mark, numbered=number is not None))
        lines.append(f"  - 已复习: {x.fm['review_count']}次 | 难度: {x.fm['difficulty']}")

    def marks(k: int, ticked: int, check: int) -> list[str]:
        m = [" "] * k
        for j, i in enumerate(r.sample(range(k), min(k, ticked + check))):
            m[i] = "x" if j < ticked else "✓"
        return m

    sec = "## 🔴 已过期（优先复习）"
    lines += [sec, "", "> 这些笔记已经超过复习日期，请优先处理", ""]
    shown = overdue[:20]
    for i, (x, m) in enumerate(zip(shown, marks(len(shown), 2, 1)), 1):
        item(x, sec, i, m)
    sec = "## ⭐ reviewsToday"
    lines += ["", sec, ""]
    shown = today[:15]
    for x, m in zip(shown, marks(len(shown), 1, 2)):
        item(x, sec, None, m)
    if not shown:
        lines.append("今天没有到期的笔记 🎉")
    sec = "## 📅 本周计划"
    lines += ["", sec]
    day = None
    for i, x in enumerate(week[:50], 1):
        if nr(x) != day:
            day = nr(x)
            lines += ["", f"### {day.month}月{day.day:02d}日（周{WEEKDAYS[day.weekday()]}）", ""]
        item(x, sec, i, " ")
    avg = sum(x.fm["mastery_level"] for x in notes) / max(1, len(notes))
    lines += ["", "## 统计概览", "",
              f"- 📝 总笔记数: {len(notes)}",
              f"- 🔴 已过期: {len(overdue)}（本次列出 {min(20, len(overdue))}）",
              f"- ⭐ 今日待复习: {len(today)}",
              f"- 📅 本周计划: {len(week)}",
              f"- 🎯 平均掌握度: {avg:.2f}", ""]
    return "\n".join(lines), entries


KB_CONFIG = """# 知识库配置（旧版脚本 scripts/*.py 使用）
review_intervals:
  easy: [1, 3, 7, 15, 30, 60]
  medium: [1, 2, 5, 10, 21, 45]
  hard: [1, 1, 3, 7, 14, 30]

daily_review:
  max_overdue: 20
  max_today: 15
  max_this_week: 50

sort_weights:
  created_new: 0.3
  review_count: 0.3
  difficulty_easy: 0.2
  tags_count: 0.2

auto_linking:
  similarity_threshold: 0.15
  max_suggestions: 3

paths:
  notes_dir: notes
  outlines_dir: outlines
"""


def render_gamification(notes: list[Note], base: dt.date, rng: Random) -> tuple[str, str]:
    r = Random(f"game/{rng.random()}")
    lines = ["# 自动生成：scripts/gamification.py", "topics:"]
    for f in FOLDERS:
        mine = [x for x in notes if x.folder == f]
        if not mine:
            continue
        xp = sum(10 * x.fm["review_count"] + int(50 * x.fm["mastery_level"]) for x in mine)
        lines += [f"  {yaml_str(f)}:", f"    current_xp: {xp}", f"    current_level: {1 + xp // 300}",
                  f"    total_notes: {len(mine)}",
                  f"    mastered_notes: {sum(1 for x in mine if x.fm['mastery_level'] >= 0.8)}",
                  "    xp_history:"]
        days = sorted(r.sample(range(1, 21), r.randint(2, 6)), reverse=True)
        for d in days:
            lines.append(f"      '{(base - dt.timedelta(days=d)).isoformat()}': {r.choice([10, 20, 30, 40, 60])}")
    topics = "\n".join(lines) + "\n"
    hist = sorted({x.fm["last_reviewed"] for x in notes if x.fm["last_reviewed"] and x.fm["last_reviewed"] < base})
    streak = ["total_days: %d" % len(hist),
              f"last_review_date: '{hist[-1].isoformat() if hist else base.isoformat()}'",
              "history:"] + [f"- '{d.isoformat()}'" for d in hist]
    return topics, "\n".join(streak) + "\n"


# =============================================================================================
# Main
# =============================================================================================


def generate(root: Path, n: int, seed: int, base: dt.date) -> dict:
    rng = Random(seed)
    chapters = parse_chapters()
    notes = plan_notes(n, rng, chapters)
    assign_shapes(notes, rng)
    plan_frontmatter(notes, rng, base)
    for x, c in zip(notes, unique_codes(rng, len(notes))):
        x.phrase_code = c
    chapter_notes: dict[str, list[Note]] = {}
    for x in notes:
        chapter_notes.setdefault(x.chapter.cid, []).append(x)
        chapter_notes.setdefault("folder:" + x.folder, []).append(x)
    outline_plans = plan_outlines(chapter_notes, chapters)
    for op in outline_plans:
        for g in op["groups"]:
            for x in g["notes"]:
                if op["spec"]["path"] not in x.outlines and Random(f"ro/{x.key}/{op['spec']['path']}").random() < 0.4:
                    x.outlines.append(op["spec"]["path"])
    # line endings, BOM and file mode on a few notes
    plain = [x for x in notes if not x.special]
    crlf = {x.idx for x in rng.sample(plain, min(len(plain), max(2, round(n / 80))))}
    bom_note = next((x for x in notes if x.key == "计算机网络/为什么TCP需要三次握手？"), None) or rng.choice(plain)
    exec_note = rng.choice([x for x in plain if x.idx not in crlf and x is not bom_note])

    images: dict[str, bytes] = {}
    metas: dict[str, dict] = {}
    manifest_notes = []
    by_key = {x.key: x for x in notes}
    for x in notes:
        text, meta = render_note(x, chapters, by_key, chapter_notes, images)
        data = text.encode("utf-8")
        if x.idx in crlf:
            data = data.replace(b"\n", b"\r\n")
        if x is bom_note:
            data = b"\xef\xbb\xbf" + data
        p = root / x.rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
        if x is exec_note:
            p.chmod(0o755)
        metas[x.rel] = meta
        fm = x.fm
        entry = dict(
            path=x.rel, is_note=True, topic=x.folder, chapter=x.chapter.cid, lang=x.lang,
            title=x.title, title_source="h1" if x.h1 else "filename", shape=x.shape,
            answer_variant=x.variant, **meta,
            bytes=len(data), crlf=x.idx in crlf, bom=x is bom_note,
            mode="0755" if x is exec_note else "0644",
            frontmatter=dict(date_style=fm["style"], extra_keys=fm["extra"], comment=fm["comment"],
                             created=fm["created"].isoformat(),
                             last_reviewed=fm["last_reviewed"].isoformat() if fm["last_reviewed"] else None,
                             next_review=fm["next_review"].isoformat(), review_count=fm["review_count"],
                             difficulty=fm["difficulty"], mastery_level=fm["mastery_level"],
                             related_outlines=list(x.outlines)),
        )
        manifest_notes.append(entry)
    for rel, png in sorted(images.items()):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(png)

    non_notes = write_tool_files(root, notes)
    non_notes += [dict(path=rel, is_note=False, reason="image (not Markdown)") for rel in sorted(images)]

    stems: dict[str, int] = {}
    for x in notes:
        stems[x.stem.lower()] = stems.get(x.stem.lower(), 0) + 1
    existing = {x.rel for x in notes}
    outlines_out = []
    for op in outline_plans:
        text, om = render_outline(op, metas, stems, rng, existing)
        p = root / op["spec"]["path"]
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(text.encode("utf-8"))
        outlines_out.append(om)

    checklist, entries = render_checklist(notes, base, rng)
    (root / "reviewsToday.md").write_bytes(checklist.encode("utf-8"))
    (root / "config/gamification").mkdir(parents=True, exist_ok=True)
    (root / "config/kb_config.yaml").write_bytes(KB_CONFIG.encode("utf-8"))
    topics, streak = render_gamification(notes, base, rng)
    (root / "config/gamification/topics.yaml").write_bytes(topics.encode("utf-8"))
    (root / "config/gamification/streak.yaml").write_bytes(streak.encode("utf-8"))

    counts = summarize(manifest_notes, non_notes, outlines_out)
    dup = [e["path"] for e in manifest_notes if e["path"].endswith("/KV Cache的原理与作用.md")]
    manifest = dict(
        generator="gen_real_vault.py", args=dict(notes=n, seed=seed, base_date=base.isoformat()),
        counts=counts, duplicate_question=dup, notes=manifest_notes, non_notes=non_notes,
        outlines=outlines_out,
        checklist=dict(path="reviewsToday.md", entries=entries),
        other_files=[dict(path="reviewsToday.md", kind="old-tool checklist"),
                     dict(path="config/kb_config.yaml", kind="old-tool config"),
                     dict(path="config/gamification/topics.yaml", kind="old-tool gamification"),
                     dict(path="config/gamification/streak.yaml", kind="old-tool gamification")],
    )
    (root / "MANIFEST.json").write_bytes(json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8") + b"\n")
    return counts


def summarize(notes: list[dict], non_notes: list[dict], outlines: list[dict]) -> dict:
    def tally(key) -> dict:
        out: dict = {}
        for e in notes:
            k = key(e)
            out[k] = out.get(k, 0) + 1
        return dict(sorted(out.items(), key=lambda kv: -kv[1]))
    body = sum(1 for e in notes if e["shape"] == "opening")
    return dict(
        notes=len(notes), non_notes=len(non_notes), outlines=len(outlines),
        topics=len({e["topic"] for e in notes}),
        english=sum(1 for e in notes if e["lang"] == "en"),
        body_only=body, body_only_share=round(body / max(1, len(notes)), 3),
        coding=sum(1 for e in notes if e["shape"] == "coding"),
        no_h1=sum(1 for e in notes if e["title_source"] == "filename"),
        split_answers=sum(1 for e in notes if e["answer_split"]),
        answer_headings=tally(lambda e: e["answer_heading"]),
        crlf=sum(1 for e in notes if e["crlf"]), bom=sum(1 for e in notes if e["bom"]),
        bare_or_mixed_dates=sum(1 for e in notes if e["frontmatter"]["date_style"] != "quoted"),
        extra_keys=sum(1 for e in notes if e["frontmatter"]["extra_keys"]),
        math=sum(1 for e in notes if e["math"]), images=sum(len(e["images"]) for e in notes),
        related_blocks=sum(1 for e in notes if e.get("related_block")),
        followups=tally(lambda e: (e["followups"] or {}).get("style", "none")),
        outline_links=sum(len(o["links"]) for o in outlines),
        outline_link_kinds=dict(sorted({k: sum(1 for o in outlines for l in o["links"] if l["kind"] == k)
                                        for k in {l["kind"] for o in outlines for l in o["links"]}}.items())),
    )


def prepare_dir(root: Path) -> None:
    if root.exists():
        if not root.is_dir():
            sys.exit(f"error: {root} exists and is not a directory")
        if any(root.iterdir()):
            if not (root / "MANIFEST.json").is_file():
                sys.exit(f"error: {root} is not empty and was not written by this script (no MANIFEST.json)")
            shutil.rmtree(root)
    root.mkdir(parents=True, exist_ok=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir", type=Path, help="vault directory (empty, or a vault this script wrote)")
    ap.add_argument("--notes", type=int, default=450, help="number of notes (default 450)")
    ap.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    ap.add_argument("--base-date", type=dt.date.fromisoformat, default=dt.date(2026, 12, 1),
                    help="'today' for the vault: review dates are spread around it (default 2026-12-01)")
    args = ap.parse_args(argv)
    if args.notes < len(SPECIALS) + 2:
        ap.error(f"--notes must be at least {len(SPECIALS) + 2}")
    prepare_dir(args.dir)
    counts = generate(args.dir, args.notes, args.seed, args.base_date)
    print(f"wrote {counts['notes']} notes ({counts['body_only']} body-only, {counts['coding']} coding, "
          f"{counts['english']} English), {counts['non_notes']} non-note files, "
          f"{counts['outlines']} outlines to {args.dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
