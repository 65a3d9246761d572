"""``studycards demo``: list, run and explain the NumPy attention demos."""

from __future__ import annotations

from typing import Any

import typer

from studycards.cli._common import console, print_envelope

app = typer.Typer(
    help="Small, exact NumPy attention demos: worked answers you can run and check.",
    no_args_is_help=True,
)

NAME_HELP = "A demo name, as shown by 'studycards demo list'."


def _complete_name(incomplete: str) -> list[str]:
    """Shell completion of demo names."""
    from studycards.demos import list_demos

    return [info.name for info in list_demos() if info.name.startswith(incomplete)]


@app.command("list")
def list_command(
    as_json: bool = typer.Option(False, "--json", help="Print names, summaries and parameters."),
) -> None:
    """List the demos, one line each on what it shows."""
    from studycards.demos import get_demo, list_demos

    if not as_json:
        from studycards.render.demo import render_demo_list

        console().print(render_demo_list(list_demos()))
        return
    print_envelope("demo list", {"demos": [_describe(get_demo(i.name)) for i in list_demos()]})


def _describe(demo: Any) -> dict[str, Any]:
    params = {
        p.name: {"default": p.default, "min": p.low, "max": p.high, "help": p.help}
        for p in demo.params
    }
    return {"name": demo.name, "summary": demo.summary, "params": params}


@app.command()
def run(
    name: str = typer.Argument(..., help=NAME_HELP, autocompletion=_complete_name),
    seq_len: int | None = typer.Option(None, "--seq-len", help="Sequence length (keys)."),
    tgt_len: int | None = typer.Option(None, "--tgt-len", help="Decoder steps (queries)."),
    d_model: int | None = typer.Option(None, "--d-model", help="Model (embedding) width."),
    heads: int | None = typer.Option(None, "--heads", help="Attention (query) heads."),
    groups: int | None = typer.Option(None, "--groups", help="Key/value heads (mqa-gqa)."),
    pad: int | None = typer.Option(None, "--pad", help="Padded positions (masking)."),
    window: int | None = typer.Option(None, "--window", help="Window size (sliding-window)."),
    block_size: int | None = typer.Option(None, "--block-size", help="Tile size (flash)."),
    offset: int | None = typer.Option(None, "--offset", help="Offset k (sinusoidal-pe)."),
    batch: int | None = typer.Option(None, "--batch", help="Sequences in a batch."),
    latent: int | None = typer.Option(None, "--latent", help="Latent KV width d_c (mla)."),
    scale: int | None = typer.Option(None, "--scale", help="Context extension factor."),
    train_len: int | None = typer.Option(None, "--train-len", help="Trained context length."),
    drop: int | None = typer.Option(None, "--drop", help="Dropout probability in percent."),
    shift: int | None = typer.Option(None, "--shift", help="Added to every logit."),
    prefix: int | None = typer.Option(None, "--prefix", help="Shared prompt tokens."),
    seed: int = typer.Option(0, "--seed", help="Random seed; the same seed, the same numbers."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Run a demo: every step with its shapes, the heatmap, figures and checks.

    Options a demo does not take are refused; 'studycards demo explain NAME' lists its own.
    Exits 2 on a bad name or parameter, 1 if any check fails.
    """
    from studycards.demos import run_demo

    given = dict(
        seq_len=seq_len, tgt_len=tgt_len, d_model=d_model, heads=heads, groups=groups,
        pad=pad, window=window, block_size=block_size, offset=offset, batch=batch,
        latent=latent, scale=scale, train_len=train_len, drop=drop, shift=shift, prefix=prefix,
    )  # fmt: skip
    result = run_demo(name, {k: v for k, v in given.items() if v is not None}, seed)
    if as_json:
        print_envelope("demo run", result.to_dict())
    else:
        from studycards.render.demo import render_demo

        console().print(render_demo(result))
    if not result.passed:
        raise typer.Exit(1)


@app.command()
def explain(
    name: str = typer.Argument(..., help=NAME_HELP, autocompletion=_complete_name),
    as_json: bool = typer.Option(False, "--json", help="Print the explanation as JSON."),
) -> None:
    """Explain a demo: what it shows, its equations and its parameters."""
    from studycards.demos import get_demo
    from studycards.render.demo import render_explanation

    demo = get_demo(name)
    if as_json:
        data = _describe(demo)
        data["explanation"] = demo.explain()
        print_envelope("demo explain", data)
        return
    console().print(render_explanation(demo))


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="demo", help="Run NumPy attention demos: worked answers.")
