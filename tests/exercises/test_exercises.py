"""exercises.checking: blanks are not attempted, wrong answers say why, student errors and checker
bugs show no traceback, hints come one at a time, the solution only on request; and every exercise
in exercises/ is well formed, tested, and robust to odd answers."""

import importlib
import re

import pytest
import torch
from exercise_cases import assert_result, printed
from torch import nn

from exercises.checking import (
    Exercise,
    Wrong,
    ____,
    call,
    check_model,
    close,
    is_blank,
    loss_decreases,
)
from helpers.settings import REPO_ROOT

SOLUTION = "def square(x):\n    return x * x"


def check_square(fn) -> str:
    """A checker for 'write square(x)'."""
    if not callable(fn):
        raise Wrong(f"expected a function, got {type(fn).__name__}")
    result = call(fn, 3)
    if result != 9:
        raise Wrong(f"square(3) gave {result!r}; expected 9")
    return "square(3) is 9."


def square_exercise() -> Exercise:
    """A fresh exercise (its hint counter at zero)."""
    return Exercise(
        "ex2",
        check_square,
        ["multiply", "x times itself", "return x * x"],
        SOLUTION,
        why="x * x is x squared.",
        answer_names=("square",),
    )


def stub_dots(x): ...


def stub_pass(x):
    """Square x."""
    pass


def stub_not_implemented(x):
    raise NotImplementedError


def returns_blank(x):
    return ____


@pytest.mark.parametrize(
    "answer",
    [
        ____,
        ...,
        [1, ____],
        (1, (2, ...)),
        {"a": ____},
        {____: 1},
        {3, ...},
        stub_dots,
        stub_pass,
        returns_blank,
        stub_not_implemented,
    ],
)
def test_blanks_are_not_attempted(answer):
    assert_result(square_exercise(), [answer], "not attempted")


def test_not_attempted_names_the_blank_answer():
    ex = Exercise("ex1", lambda a, b: "ok", ["h"], "a = 1\nb = 2", answer_names=("a", "b"))
    assert "`b` is still blank" in assert_result(ex, [1, ____], "not attempted").message
    assert printed(ex, ____, ____) == [
        "… Exercise 1: not attempted yet: `a` and `b` are still blank: "
        "replace the ____ (or ...), then run this cell again."
    ]


def test_a_stub_network_is_not_attempted():
    class Net(nn.Module):
        def forward(self, x): ...

    assert is_blank(Net()) and not is_blank(nn.Linear(2, 2)) and not is_blank(lambda x: x)


def test_wrong_answer_says_why_and_points_to_a_hint():
    lines = printed(square_exercise(), lambda x: x + 1)
    assert lines == [
        "✘ Exercise 2: not yet. square(3) gave 4; expected 9",
        "  ex2.hint() gives hint 1 of 3.",
    ]


def test_student_exception_is_one_line_not_a_traceback():
    def square(x):
        raise ValueError("x must be positive\nsecond line")

    result = assert_result(
        square_exercise(), [square], "wrong", "your `square` raised ValueError: x must be positive"
    )
    assert "second line" not in result.message


def test_checker_bug_is_reported_without_traceback():
    ex = Exercise("ex4", lambda answer: 1 / 0, ["h"], "answer = 1")
    assert_result(
        ex, [1], "check failed", "the check itself failed (please report this): ZeroDivisionError"
    )


def test_correct():
    assert printed(square_exercise(), lambda x: x * x) == ["✔ Exercise 2: correct. square(3) is 9."]


def test_hints_one_at_a_time_then_the_solution(capsys):
    ex = square_exercise()
    assert printed(ex, 5)[1] == "  ex2.hint() gives hint 1 of 3."
    shown = []
    for _ in range(4):
        ex.hint()
        shown.append(capsys.readouterr().out.splitlines())
    assert shown[0] == ["Hint 1 of 3: multiply"] and shown[1] == ["Hint 2 of 3: x times itself"]
    assert (
        shown[2]
        == shown[3]
        == ["Hint 3 of 3: return x * x", "That was the last hint: ex2.solution() shows a solution."]
    )
    assert printed(ex, 5)[1] == "  ex2.solution() shows a solution."


def test_solution_only_on_request(capsys):
    ex = square_exercise()
    for answer in (____, 5, lambda x: x + 1, lambda x: x * x):
        ex.check(answer)
    for _ in range(4):
        ex.hint()
    print(repr(ex), str(ex))
    assert "x * x" not in capsys.readouterr().out.replace(
        "return x * x", ""
    )  # the last hint may say it; nothing else
    ex.solution()
    out = capsys.readouterr().out
    assert SOLUTION in out and "x * x is x squared." in out


def test_solution_is_markdown_in_ipython(monkeypatch):
    import IPython
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython, "get_ipython", lambda: object())
    monkeypatch.setattr(IPython.display, "display", shown.append)
    square_exercise().solution()
    assert isinstance(shown[0], IPython.display.Markdown) and shown[0].data.startswith(
        "```python\n" + SOLUTION
    )


def test_multiple_choice():
    ex = Exercise.choice(
        "ex3",
        {"a": "the 1", "b": "the 8"},
        correct="b",
        explanations={
            "a": "a 1 is a thin stroke, nearly the same in every image",
            "b": "an 8 is drawn in many ways",
        },
        hints=["think of strokes"],
    )
    assert_result(ex, [" B "], "correct", "many ways")
    assert_result(ex, ["(a)"], "wrong", "not (a) the 1: a 1 is a thin stroke")
    for odd in ("c", 2, ["a"], None):
        assert_result(ex, [odd], "wrong", 'one of the letters "a", "b"')
    assert ex.solution_code == 'answer = "b"  # the 8' and ex.answer_names == ("answer",)
    with pytest.raises(ValueError):
        Exercise.choice("ex9", {"a": "x", "b": "y"}, correct="b", explanations={})


def test_close():
    assert close(0.98, 0.9801, rel=1e-3) and not close(0.98, 0.99)
    assert close(torch.tensor([1.0, 2.0]), [1.0, 2.0000001]) and not close(
        torch.zeros(2), torch.zeros(3)
    )
    assert not close("0.98", 0.98) and not close(None, 0.0)


def small_cnn() -> nn.Module:
    """A network of the course's shape: 2 convolutions, 2 linear layers, 10 outputs."""
    return nn.Sequential(
        nn.Conv2d(1, 4, 5),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(4, 8, 5),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(8 * 4 * 4, 32),
        nn.ReLU(),
        nn.Linear(32, 10),
    )


def test_check_model():
    model = small_cnn().train()
    n = sum(p.numel() for p in model.parameters())
    check_model(model, layer_types={nn.Conv2d: 2, nn.Linear: 2}, n_params=n)
    assert model.training  # its mode is restored
    cases = [
        (
            dict(out_shape=(2, 5)),
            "your network outputs shape (2, 10) for input (2, 1, 28, 28); expected (2, 5)",
        ),
        (
            dict(layer_types={nn.Conv2d: 3}),
            "your network has 2 Conv2d layer(s); this exercise asks for 3",
        ),
        (dict(n_params=n + 1), f"your network has {n:,} parameters; expected {n + 1:,}"),
    ]
    for kwargs, message in cases:
        with pytest.raises(Wrong, match=re.escape(message)):
            check_model(model, **kwargs)
    with pytest.raises(
        Wrong,
        match=re.escape(
            "outputs shape (2, 5) for input (2, 1, 28, 28); expected (2, 10); MNIST has 10"
        ),
    ):
        check_model(nn.Sequential(nn.Flatten(), nn.Linear(784, 5)))
    with pytest.raises(
        Wrong,
        match=r"your network \(Sequential\) raised RuntimeError: .*mat1 and mat2 shapes "
        r"cannot be multiplied \(2x784",
    ):
        check_model(nn.Sequential(nn.Flatten(), nn.Linear(400, 10)))
    with pytest.raises(Wrong, match="expected a network"):
        check_model("model")


def test_loss_decreases_leaves_the_model_alone():
    model = small_cnn()
    before = [p.clone() for p in model.parameters()]
    first, last = loss_decreases(model)
    assert last < 0.9 * first and all(torch.equal(a, b) for a, b in zip(before, model.parameters()))

    class Stuck(nn.Module):
        def __init__(self):
            super().__init__()
            self.w = nn.Parameter(torch.ones(1))

        def forward(self, x):
            return torch.zeros(len(x), 10) * self.w

    with pytest.raises(Wrong, match="the loss did not go down"):
        loss_decreases(Stuck())
    with pytest.raises(Wrong, match="no trainable parameters"):
        loss_decreases(nn.Flatten())


# Every exercise of every notebook: well formed, tested, and no odd answer makes its checker fail.
MODULES = sorted(p.stem for p in (REPO_ROOT / "exercises").glob("nb[0-9][0-9].py"))
ODD_ANSWERS = [None, 0, -1, 2.5, True, "a", "", [], (), {}, torch.zeros(3), nn.Linear(3, 2), print]


def exercises_of(module_name: str) -> dict[str, Exercise]:
    """The exercises `exercises.<module_name>` defines, by variable name."""
    module = importlib.import_module(f"exercises.{module_name}")
    return {name: value for name, value in vars(module).items() if isinstance(value, Exercise)}


@pytest.mark.parametrize("module_name", MODULES)
def test_every_exercise_is_well_formed_and_tested(module_name):
    exercises = exercises_of(module_name)
    assert exercises, f"exercises/{module_name}.py defines no Exercise"
    test = REPO_ROOT / "tests" / "exercises" / f"test_exercises_{module_name}.py"
    assert test.is_file(), (
        f"{test.name} is missing: every exercise needs a test (CONTRIBUTING.md, Exercises)"
    )
    for name, ex in exercises.items():
        assert ex.name == name, (
            f"{name} is named {ex.name!r}: its messages would point to the wrong variable"
        )
        assert ex.hints and ex.solution_code and ex.why and ex.answer_names, (
            f"{name}: hints, solution, why, answer_names"
        )
        assert re.search(rf"\b{name}\b", test.read_text()), f"{test.name} does not test {name}"


@pytest.mark.parametrize("module_name", MODULES)
def test_no_checker_fails_on_odd_answers(module_name):
    for ex in exercises_of(module_name).values():
        for odd in ODD_ANSWERS:
            result = ex.evaluate(*[odd] * len(ex.answer_names))
            assert result.status in ("wrong", "not attempted"), f"{ex.name} on {odd!r}: {result}"


def test_imports_run_one_way():
    """helpers and viz never import the exercises package (it sits above them)."""
    for path in [*(REPO_ROOT / "helpers").glob("*.py"), *(REPO_ROOT / "viz").glob("*.py")]:
        assert not re.search(r"^\s*(from|import)\s+exercises\b", path.read_text(), re.M), path.name


def test_check_model_says_to_unpack_a_returned_tuple():
    with pytest.raises(Wrong, match=r"unpack it \(model, meta = ...\)"):
        check_model((nn.Linear(784, 10), {"val_accuracy": 0.9}))
