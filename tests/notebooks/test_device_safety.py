"""Device moves that only work on a CPU, caught on a CPU-only machine.

On a GPU, `model.to("cpu")` moves a model for good (a module moves in place), and the next
`model(images.to(device))` fails with "Expected all tensors to be on the same device". On a CPU both
devices are the same, so running the notebooks here never shows it. This test reads every notebook's
code cells in order and follows each model variable: built (on the CPU), moved to `device` (by
`.to(device)`, `fit`, `train_recipe`, `load_or_train_recipe`, ...) or moved off it (`.to("cpu")`,
`.cpu()`). It fails where a model moved off `device` is used with `device` again, where a model
never moved is fed images on `device`, and where torchsummary runs on the CPU a model on `device`.
A second test runs helpers on the "meta" device, which, like a GPU, refuses to meet CPU tensors.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import torch

from helpers.models import MODELS, build_model, multiply_adds

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"

# calls that build a fresh model, on the CPU
FACTORIES = {"build_model", "Sequential", *(cls.__name__ for cls in MODELS.values())}
# calls whose first argument (a model) ends up on `device`
MOVERS = {
    "fit",
    "predict",
    "predict_proba",
    "extract_features",
    "training_throughput",
    "load_checkpoint",
    "train_by_hand",
    "profile_training",
}
# calls that return (model on `device`, metadata)
TRAINERS = {"train_recipe", "load_or_train_recipe", "load_or_train"}
FRESH, ON_DEVICE, MOVED_OFF = "built on the CPU", "on device", "moved to the CPU"


def name_of(func: ast.expr) -> str | None:
    """The called name: `f` for f(...) and x.f(...)."""
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def mentions_device(node: ast.AST) -> bool:
    """True when the expression uses the variable `device` (e.g. images.to(device))."""
    return any(isinstance(n, ast.Name) and n.id == "device" for n in ast.walk(node))


def is_cpu(node: ast.expr) -> bool:
    """ "cpu" or torch.device("cpu")."""
    if isinstance(node, ast.Constant):
        return node.value == "cpu"
    return (
        isinstance(node, ast.Call)
        and name_of(node.func) == "device"
        and bool(node.args)
        and is_cpu(node.args[0])
    )


@dataclass
class Checker:
    """Follows model variables through a notebook's code, cell by cell; collects the problems."""

    module_classes: set[str]
    state: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (state, where)
    problems: list[str] = field(default_factory=list)
    where: str = ""

    def factories(self) -> set[str]:
        return FACTORIES | self.module_classes

    def model_state(self, node: ast.expr) -> str | None:
        """The state of the model an expression gives, or None when it is not a model."""
        if isinstance(node, ast.Name):
            return self.state.get(node.id, (None,))[0]
        if not isinstance(node, ast.Call):
            return None
        called = name_of(node.func)
        if called in self.factories():
            return FRESH
        if called == "deepcopy" and node.args:
            return self.model_state(node.args[0])
        if isinstance(node.func, ast.Attribute):
            inner = self.model_state(node.func.value)
            if inner is None:
                return None
            if called == "to" and node.args:
                if is_cpu(node.args[0]):
                    return MOVED_OFF
                return ON_DEVICE if mentions_device(node.args[0]) else inner
            if called == "cpu":
                return MOVED_OFF
            if called in ("cuda", "eval", "train", "requires_grad_"):
                return ON_DEVICE if called == "cuda" else inner
        return None

    def set(self, name: str, state: str, line: int) -> None:
        self.state[name] = (state, f"{self.where}, line {line}")

    def problem(self, node: ast.AST, message: str) -> None:
        self.problems.append(f"{self.where}, line {node.lineno}: {message}")

    def call(self, node: ast.Call) -> None:
        """One call, after its arguments were evaluated."""
        func, called = node.func, name_of(node.func)
        # model.to(...), model.cpu(), model.cuda(): modules move in place
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            target = func.value.id
            if target in self.state:
                moved = self.model_state(node)
                if called in ("to", "cpu", "cuda") and moved is not None:
                    self.set(target, moved, node.lineno)
        # model(x.to(device)) or model.eval()(x.to(device))
        callee = func
        if (
            isinstance(callee, ast.Call)
            and isinstance(callee.func, ast.Attribute)
            and callee.func.attr in ("eval", "train")
        ):
            callee = callee.func.value
        if isinstance(callee, ast.Name) and callee.id in self.state:
            state, since = self.state[callee.id]
            inputs = [*node.args, *(k.value for k in node.keywords)]
            if any(mentions_device(a) for a in inputs) and state != ON_DEVICE:
                self.problem(
                    node,
                    f"`{callee.id}` is fed inputs on `device` but was {state} ({since}); "
                    f"move it with `{callee.id}.to(device)` first",
                )
        # f(model, ..., device): a helper that uses, or moves, the model
        models = [a for a in node.args if isinstance(a, ast.Name) and a.id in self.state]
        if called in MOVERS and node.args and isinstance(node.args[0], ast.Name):
            if node.args[0].id in self.state:
                self.set(node.args[0].id, ON_DEVICE, node.lineno)
            return
        if called == "summary":
            device_kw = [k.value for k in node.keywords if k.arg == "device"]
            on_cpu = bool(device_kw) and is_cpu(device_kw[0])
            for m in models:
                if on_cpu and self.state[m.id][0] == ON_DEVICE:
                    self.problem(
                        node,
                        f"torchsummary runs `{m.id}` on the CPU, but it is on `device` "
                        f"({self.state[m.id][1]}); summarise a CPU copy: "
                        f'`summary(copy.deepcopy({m.id}).to("cpu"), ...)`',
                    )
            return
        if any(mentions_device(a) for a in [*node.args, *(k.value for k in node.keywords)]):
            for m in models:
                state, since = self.state[m.id]
                if state == MOVED_OFF:
                    self.problem(
                        node,
                        f"`{called}` uses `{m.id}` with `device`, but `{m.id}` was moved to the "
                        f"CPU ({since}) and not moved back",
                    )

    def expression(self, node: ast.AST) -> None:
        """Visit calls children first: the order Python evaluates them in."""
        if isinstance(node, (ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return
        for child in ast.iter_child_nodes(node):
            self.expression(child)
        if isinstance(node, ast.Call):
            self.call(node)

    def assign(self, targets: list[ast.expr], value: ast.expr) -> None:
        """Track models bound by an assignment; forget names rebound to anything else."""
        for target in targets:
            if isinstance(target, ast.Name):
                state = self.model_state(value)
                if state is None:
                    self.state.pop(target.id, None)
                else:
                    self.set(target.id, state, target.lineno)
            elif isinstance(target, ast.Tuple):
                first, *rest = target.elts
                trained = isinstance(value, ast.Call) and name_of(value.func) in TRAINERS
                if trained and isinstance(first, ast.Name):
                    self.set(first.id, ON_DEVICE, target.lineno)
                    rest_names = rest
                else:
                    rest_names = target.elts
                for t in rest_names:
                    for n in ast.walk(t):
                        if isinstance(n, ast.Name):
                            self.state.pop(n.id, None)

    def statements(self, body: list[ast.stmt]) -> None:
        for stmt in body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue  # a function's model is its parameter: not followed
            if isinstance(stmt, ast.Assign):
                self.expression(stmt.value)
                self.assign(stmt.targets, stmt.value)
            elif isinstance(stmt, (ast.For, ast.AsyncFor)):
                self.expression(stmt.iter)
                for n in ast.walk(stmt.target):
                    if isinstance(n, ast.Name):
                        self.state.pop(n.id, None)
                self.statements(stmt.body)
                self.statements(stmt.orelse)
            elif isinstance(stmt, (ast.If, ast.While)):
                self.expression(stmt.test)
                self.statements(stmt.body)
                self.statements(stmt.orelse)
            elif isinstance(stmt, (ast.With, ast.AsyncWith)):
                for item in stmt.items:
                    self.expression(item.context_expr)
                self.statements(stmt.body)
            elif isinstance(stmt, ast.Try):
                for block in (stmt.body, *(h.body for h in stmt.handlers)):
                    self.statements(block)
                self.statements(stmt.orelse)
                self.statements(stmt.finalbody)
            else:
                self.expression(stmt)


def parse(source: str) -> ast.Module:
    """A code cell's syntax tree, IPython magics left out."""
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    return ast.parse("\n".join(lines))


def module_classes(trees: list[ast.Module]) -> set[str]:
    """Names of the nn.Module subclasses the cells define."""
    return {
        node.name
        for tree in trees
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef) and any(name_of(b) == "Module" for b in node.bases)
    }


def device_problems(cells: list[str], label: str = "cell") -> list[str]:
    """Every device problem in these code cells, run in this order."""
    trees = [parse(source) for source in cells]
    checker = Checker(module_classes(trees))
    for i, tree in enumerate(trees):
        checker.where = f"{label} {i}"
        checker.statements(tree.body)
    return checker.problems


def notebook_cells(path: Path) -> list[str]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")), ids=lambda p: p.stem)
def test_no_model_leaves_the_device_in_the_notebooks(path):
    problems = device_problems(notebook_cells(path), f"{path.name}, code cell")
    assert not problems, "device moves that break on a GPU:\n" + "\n".join(problems)


# The bug notebook 02 had (issue 23): summary() moved the trained model to the CPU for good.
OLD_02 = [
    "model, meta = train_recipe(ANN, ANN_RECIPE, device, splits)",
    'summary(model.to("cpu"), (1, 28, 28), device="cpu")',
    "reloaded = ANN()\nreloaded.load_state_dict(state)\nreloaded.to(device).eval()\n"
    "with torch.no_grad():\n"
    "    same = torch.equal(reloaded(val_x[:100].to(device)), model(val_x[:100].to(device)))",
]


def test_the_old_summary_bug_is_caught():
    problems = device_problems(OLD_02)
    assert len(problems) == 1 and "moved to the CPU (cell 1" in problems[0], problems


def test_a_cpu_copy_for_summary_passes():
    fixed = [OLD_02[0], 'summary(copy.deepcopy(model).to("cpu"), (1, 28, 28), device="cpu")']
    assert device_problems(fixed + OLD_02[2:]) == []


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (["net = LeNet5()", "net.cpu()", "evaluate(net, loader, loss_fn, device)"], "moved to"),
        (["net = LeNet5()", "net(images.to(device))"], "built on the CPU"),
        (
            [
                "net = LeNet5()",
                "fit(net, a, b, c, d, 1, device)",
                'summary(net, (1, 28), device="cpu")',
            ],
            "CPU copy",
        ),
        (["net = LeNet5().to(device)", "net.to('cpu')", "net.eval()(x.to(device))"], "moved to"),
    ],
)
def test_other_cpu_only_moves_are_caught(cells, expected):
    problems = device_problems(cells)
    assert len(problems) == 1 and expected in problems[0], problems


@pytest.mark.parametrize(
    "cells",
    [
        ["net = LeNet5()", "net.cpu()", "net.to(device)", "evaluate(net, loader, loss_fn, device)"],
        [
            "net, meta = load_or_train_recipe('cnn', LeNet5, CNN_RECIPE, device)",
            "net(x.to(device))",
        ],
        ["net = LeNet5()", "train_by_hand(net, opt, 2)", "net(x.to(device))"],
        ["net = LeNet5()", "summary(net, (1, 28, 28), device='cpu')", "net(x)"],
        ["probs = predict_proba(net, x, device).cpu()", "probs.numpy()"],
    ],
)
def test_device_correct_code_passes(cells):
    assert device_problems(cells) == []


@pytest.mark.parametrize("name", sorted(MODELS))
def test_multiply_adds_runs_where_the_model_is(name):
    """The "meta" device refuses CPU tensors as a GPU does: the blank image follows the model."""
    expected = multiply_adds(build_model(name))
    assert multiply_adds(build_model(name).to("meta")) == expected
    with pytest.raises((RuntimeError, NotImplementedError)):
        build_model(name).to("meta")(torch.zeros(1, 1, 28, 28))  # the failure this guards against
