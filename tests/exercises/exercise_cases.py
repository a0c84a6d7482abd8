"""What every exercise's test checks (issue 18): the blank is not attempted, typical wrong answers
fail with their message, the solution passes; `check()` prints at most two lines, no traceback.

    from exercise_cases import assert_exercise
    assert_exercise(ex1, wrong=[(((1, 8, 12, 12), 3), "without the padding")],
                    namespace={"torch": torch, "nn": nn})
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from contextlib import redirect_stdout
from typing import Any

from exercises.checking import Exercise, Result, ____


def solution_answers(ex: Exercise, namespace: Mapping[str, Any] | None = None) -> tuple[Any, ...]:
    """Run `ex`'s solution in a copy of `namespace` (the notebook's names it uses); its answers."""
    scope = dict(namespace or {})
    exec(compile(ex.solution_code, f"<{ex.name} solution>", "exec"), scope)
    missing = [name for name in ex.answer_names if name not in scope]
    assert not missing, f"{ex.name}: the solution does not define {missing} (answer_names)"
    return tuple(scope[name] for name in ex.answer_names)


def printed(ex: Exercise, *answers: Any) -> list[str]:
    """The lines `ex.check(*answers)` prints."""
    with redirect_stdout(io.StringIO()) as out:
        assert ex.check(*answers) is None
    return out.getvalue().splitlines()


def assert_result(ex: Exercise, answers: Sequence[Any], status: str, contains: str = "") -> Result:
    """`ex` judges `answers` `status`, `contains` in its message; `check()` prints 1 or 2 lines."""
    result = ex.evaluate(*answers)
    assert result.status == status and contains in result.message, (
        f"{ex.name} on {answers!r}: expected {status!r} with {contains!r}, got {result}"
    )
    lines = printed(ex, *answers)
    assert 1 <= len(lines) <= 2 and "Traceback" not in "\n".join(lines), lines
    return result


def assert_exercise(
    ex: Exercise,
    wrong: Sequence[tuple[tuple[Any, ...], str]],
    namespace: Mapping[str, Any] | None = None,
    blank: tuple[Any, ...] | None = None,
) -> None:
    """`ex` says "not attempted" to the blank (and each answer left blank), "wrong" with the given
    message to each `(answers, expected substring)` in `wrong`, and "correct" to its own solution,
    run in `namespace`."""
    assert wrong, f"{ex.name}: give at least one typical wrong answer"
    assert_result(
        ex, blank if blank is not None else tuple(____ for _ in ex.answer_names), "not attempted"
    )
    answers = solution_answers(ex, namespace)
    for i in range(len(answers)):
        assert_result(
            ex, answers[:i] + (____,) + answers[i + 1 :], "not attempted", ex.answer_names[i]
        )
    for wrong_answers, message in wrong:
        assert_result(ex, wrong_answers, "wrong", message)
    assert_result(ex, answers, "correct")
