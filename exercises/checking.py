"""Exercises that answer back: `ex1.check(answer)`, `ex1.hint()`, `ex1.solution()`."""

from __future__ import annotations

import ast
import copy
import inspect
import math
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import torch
from torch import nn


class _Blank:
    """The type of `____`, the blank a student replaces."""

    def __repr__(self) -> str:
        return "____ (fill this in)"


____ = _Blank()  # students write `answer = ____` and replace it; `...` counts as a blank too


class Wrong(Exception):
    """Raised by a checker: the answer is wrong; the message says what is wrong, in one line."""


class NotAttempted(Exception):
    """Raised when the student's code is still blank (`____`, `...`, a body of `...` or `pass`)."""


Status = Literal["not attempted", "wrong", "correct", "check failed"]


@dataclass(frozen=True)
class Result:
    """What a check found: its status and a one-line message."""

    status: Status
    message: str


def _is_stub(fn: Any) -> bool:
    """True for a function (or a network's `forward`) whose body is only `...` or `pass`."""
    target = type(fn).forward if isinstance(fn, nn.Module) else fn
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(target)))
    except (OSError, TypeError, SyntaxError):  # no source (built-ins, C code): not a stub
        return False
    if not tree.body or not isinstance(tree.body[0], (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    return all(_does_nothing(statement) for statement in tree.body[0].body)


def _does_nothing(statement: ast.stmt) -> bool:
    """True for `pass`, `...` or a string on its own (a docstring)."""
    if isinstance(statement, ast.Pass):
        return True
    value = statement.value if isinstance(statement, ast.Expr) else None
    return isinstance(value, ast.Constant) and (value.value is ... or isinstance(value.value, str))


def is_blank(value: Any) -> bool:
    """True for `____`, `...`, a container holding one, or a stub function or network."""
    if value is ____ or value is ...:
        return True
    if isinstance(value, (list, tuple, set, frozenset)):
        return any(is_blank(item) for item in value)
    if isinstance(value, dict):
        return any(is_blank(key) or is_blank(item) for key, item in value.items())
    return (inspect.isfunction(value) or isinstance(value, nn.Module)) and _is_stub(value)


def _first_line(error: BaseException) -> str:
    """`TypeName: first line of the message`, as Python prints an exception's last line."""
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0]}" if lines else type(error).__name__


def call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call the student's `fn`: its exception becomes `Wrong` (one line), a blank `NotAttempted`."""
    what = (
        f"network ({type(fn).__name__})"
        if isinstance(fn, nn.Module)
        else f"`{getattr(fn, '__name__', 'code')}`"
    )
    if _is_stub(fn):
        raise NotAttempted(
            f"your {what} is still a blank (`...`): write it, then run this cell again."
        )
    try:
        result = fn(*args, **kwargs)
    except NotImplementedError:
        raise NotAttempted(f"your {what} is not written yet (NotImplementedError).") from None
    except Exception as error:  # the student's code failed: say how, in one line, with no traceback
        raise Wrong(f"your {what} raised {_first_line(error)}") from None
    if is_blank(result):
        raise NotAttempted(f"your {what} still returns ____: fill it in, then run this cell again.")
    return result


def close(actual: Any, expected: Any, rel: float = 1e-3, abs_tol: float = 1e-6) -> bool:
    """True when `actual` (number or tensor) is within `rel` or `abs_tol` of `expected`."""
    if isinstance(actual, torch.Tensor) or isinstance(expected, torch.Tensor):
        a, e = (
            torch.as_tensor(actual, dtype=torch.float64),
            torch.as_tensor(expected, dtype=torch.float64),
        )
        return a.shape == e.shape and torch.allclose(a, e, rtol=rel, atol=abs_tol)
    if not all(isinstance(v, (int, float)) for v in (actual, expected)):
        return False
    return math.isclose(actual, expected, rel_tol=rel, abs_tol=abs_tol)


def check_model(
    model: Any,
    input_shape: tuple[int, ...] = (2, 1, 28, 28),
    out_shape: tuple[int, ...] = (2, 10),
    layer_types: Mapping[type[nn.Module], int] | None = None,
    n_params: int | None = None,
) -> None:
    """Raise `Wrong` unless `model` is a network with these layers, parameters and output shape."""
    if isinstance(model, tuple) and model and isinstance(model[0], nn.Module):
        raise Wrong("got a tuple whose first item is a network: unpack it (model, meta = ...)")
    if not isinstance(model, nn.Module):
        raise Wrong(f"expected a network (an nn.Module), got {type(model).__name__}")
    for layer, expected in (layer_types or {}).items():
        found = sum(isinstance(m, layer) for m in model.modules())
        if found != expected:
            raise Wrong(
                f"your network has {found} {layer.__name__} layer(s); this exercise asks for "
                f"{expected}"
            )
    if n_params is not None and (found := sum(p.numel() for p in model.parameters())) != n_params:
        raise Wrong(f"your network has {found:,} parameters; expected {n_params:,}")
    device = next(model.parameters(), torch.empty(0)).device
    training = model.training
    try:
        model.eval()
        with torch.no_grad():
            out = call(model, torch.zeros(input_shape, device=device))
    finally:
        model.train(training)
    if not isinstance(out, torch.Tensor):
        raise Wrong(f"your network returns {type(out).__name__}, not a tensor")
    if tuple(out.shape) != tuple(out_shape):
        classes = "; MNIST has 10 classes" if out_shape[-1] == 10 and out.shape[-1] != 10 else ""
        raise Wrong(
            f"your network outputs shape {tuple(out.shape)} for input {input_shape}; "
            f"expected {out_shape}{classes}"
        )


def loss_decreases(
    model: nn.Module, steps: int = 30, batch: int = 16, lr: float = 1e-3
) -> tuple[float, float]:
    """Train a copy of `model` on a fixed batch of noise images; `Wrong` unless the loss falls."""
    net = copy.deepcopy(model).train()
    params = [p for p in net.parameters() if p.requires_grad]
    if not params:
        raise Wrong("your network has no trainable parameters")
    generator = torch.Generator().manual_seed(0)
    x = torch.randn(batch, 1, 28, 28, generator=generator).to(params[0].device)
    y = torch.randint(0, 10, (batch,), generator=generator).to(params[0].device)
    optimizer = torch.optim.Adam(params, lr=lr)
    losses = []
    with torch.random.fork_rng(
        devices=[]
    ):  # dropout in the copy leaves the notebook's random state alone
        torch.manual_seed(0)
        for _ in range(steps):
            loss = nn.functional.cross_entropy(call(net, x), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    if not losses[-1] < 0.9 * losses[0]:
        raise Wrong(
            f"the loss did not go down in {steps} steps on one fixed batch "
            f"({losses[0]:.3f} -> {losses[-1]:.3f})"
        )
    return losses[0], losses[-1]


class Exercise:
    """One exercise: a checker, a ladder of hints and a solution, shown only when asked for."""

    def __init__(
        self,
        name: str,
        checker: Callable[..., str | None],
        hints: Sequence[str],
        solution: str,
        why: str = "",
        answer_names: Sequence[str] = ("answer",),
    ) -> None:
        """`name`: the variable (ex1); `answer_names`: what `check` gets, the solution defines."""
        self.name, self.checker, self.hints, self.why = name, checker, tuple(hints), why
        self.solution_code = textwrap.dedent(solution).strip()
        self.answer_names = tuple(answer_names)
        self.title = "Exercise " + name.removeprefix("ex")
        self._hints_given = 0

    def __repr__(self) -> str:  # never the solution: a student may type `ex1` alone in a cell
        return f"{self.title}: {self.name}.check(...), {self.name}.hint(), {self.name}.solution()"

    def evaluate(self, *answers: Any) -> Result:
        """The verdict on `answers`, not printed: not attempted, wrong, correct or check failed."""
        blanks = [name for name, answer in zip(self.answer_names, answers) if is_blank(answer)]
        if blanks or any(is_blank(answer) for answer in answers):
            names = " and ".join(f"`{name}`" for name in blanks) or "an answer"
            verb = "are" if len(blanks) > 1 else "is"
            return Result(
                "not attempted",
                f"{names} {verb} still blank: replace the ____ (or ...), then run this cell again.",
            )
        try:
            message = self.checker(*answers)
        except NotAttempted as error:
            return Result("not attempted", str(error))
        except Wrong as error:
            return Result("wrong", str(error))
        except Exception as error:  # a bug in the course, not the student's: still no traceback
            return Result(
                "check failed",
                f"the check itself failed (please report this): {_first_line(error)}",
            )
        return Result("correct", message or "")

    def check(self, *answers: Any) -> None:
        """Print the verdict on `answers` in one or two lines."""
        result = self.evaluate(*answers)
        verdict = {
            "correct": "✔ {}: correct.",
            "not attempted": "… {}: not attempted yet:",
            "wrong": "✘ {}: not yet.",
            "check failed": "✘ {}:",
        }[result.status].format(self.title)
        message = " ".join(result.message.split())  # one line, whatever the checker wrote
        print(f"{verdict} {message}".rstrip())
        if result.status == "wrong" and self._hints_given < len(self.hints):
            print(f"  {self.name}.hint() gives hint {self._hints_given + 1} of {len(self.hints)}.")
        elif result.status == "wrong":
            print(f"  {self.name}.solution() shows a solution.")

    def hint(self) -> None:
        """Print the next hint; after the last one, repeat it and point to the solution."""
        if not self.hints:
            print(f"No hints for this one: {self.name}.solution() shows a solution.")
            return
        self._hints_given = min(self._hints_given + 1, len(self.hints))
        print(f"Hint {self._hints_given} of {len(self.hints)}: {self.hints[self._hints_given - 1]}")
        if self._hints_given == len(self.hints):
            print(f"That was the last hint: {self.name}.solution() shows a solution.")

    def solution(self) -> None:
        """Show the solution code and why it is right (Markdown in Jupyter, else plain text)."""
        from IPython import get_ipython  # installed with JupyterLab
        from IPython.display import Markdown, display

        text = f"```python\n{self.solution_code}\n```\n\n{self.why}".strip()
        if get_ipython() is not None:
            display(Markdown(text))
        else:
            print(text)

    @classmethod
    def choice(
        cls,
        name: str,
        options: Mapping[str, str],
        correct: str,
        explanations: Mapping[str, str],
        hints: Sequence[str] = (),
        why: str = "",
    ) -> Exercise:
        """A multiple-choice question: the student writes `answer = "b"`; wrong options say why."""
        if correct not in options or set(options) - {correct} - set(explanations):
            raise ValueError(
                f"{name}: `correct` must be an option, and every wrong option needs an explanation"
            )
        letters = ", ".join(f'"{letter}"' for letter in options)

        def checker(answer: Any) -> str:
            letter = answer.strip().strip("().").lower() if isinstance(answer, str) else None
            if letter not in options:
                raise Wrong(
                    f"answer with one of the letters {letters} (in quotes); you wrote {answer!r}"
                )
            if letter != correct:
                raise Wrong(f"not ({letter}) {options[letter]}: {explanations[letter]}")
            return explanations.get(correct, "")

        return cls(
            name,
            checker,
            hints,
            f'answer = "{correct}"  # {options[correct]}',
            why or explanations.get(correct, ""),
        )
