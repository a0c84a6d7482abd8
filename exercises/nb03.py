"""Notebook 03 (CNN): the exercises' checks, hints and solutions."""

from typing import Any

from exercises.checking import Exercise, Wrong, ____

__all__ = ["____", "ex1"]

# Exercise 1's typical wrong sizes, and what each one means.
CONV_SIZE_MISTAKES = {
    26: "that is stride 1: stride 2 moves the kernel 2 pixels at a time",
    12: "that is what you get without the padding (1 pixel on each side) or without the + 1",
    14: "the division rounds down: 25 / 2 = 12.5 gives 12 steps, then + 1",
    24: "that is a 5x5 kernel with no padding and stride 1",
}


def _check_conv_shapes(out_shape: Any, padding_7x7: Any) -> str:
    """Exercise 1: Conv2d(1, 8, 5, stride=2, padding=1) on [1, 1, 28, 28]; padding for a 7x7."""
    if not isinstance(out_shape, (tuple, list)) or not all(isinstance(n, int) for n in out_shape):
        raise Wrong(
            "out_shape should be a shape such as (1, 1, 28, 28), a tuple of whole numbers; "
            f"you gave {out_shape!r}"
        )
    if len(out_shape) != 4:
        raise Wrong(
            "a Conv2d output has 4 dimensions, [batch, channels, height, width]; "
            f"yours has {len(out_shape)}"
        )
    batch, channels, height, width = out_shape
    if batch != 1:
        raise Wrong(
            f"the batch dimension is {batch}: a convolution keeps the batch size, 1 in, 1 out"
        )
    if channels != 8:
        raise Wrong(f"{channels} channels: the output has one channel per filter, out_channels=8")
    if height != width:
        raise Wrong(
            f"height {height} and width {width} differ: a square input gives a square output"
        )
    if height != 13:
        formula = "use (n + 2p - k) // s + 1 with n=28, k=5, p=1, s=2"
        raise Wrong(f"height and width {height}: {CONV_SIZE_MISTAKES.get(height, formula)}")
    if isinstance(padding_7x7, bool) or not isinstance(padding_7x7, int):
        raise Wrong(f"padding_7x7 should be a whole number of pixels; you gave {padding_7x7!r}")
    if padding_7x7 == 6:
        raise Wrong("padding_7x7 = 6 pads 6 pixels on each side: `padding=` is per side")
    if padding_7x7 != 3:
        size = 28 + 2 * padding_7x7 - 7 + 1
        raise Wrong(f"with padding {padding_7x7}, a 7x7 kernel at stride 1 gives {size}x{size}")
    return "(1, 8, 13, 13), and padding 3 = (7 - 1) / 2 keeps 28x28."


ex1 = Exercise(
    "ex1",
    _check_conv_shapes,
    hints=[
        "Each of height and width becomes (n + 2p - k) // s + 1; the channels are out_channels.",
        "Here n = 28, k = 5, p = 1, s = 2. Or ask PyTorch: nn.Conv2d(1, 8, kernel_size=5, "
        "stride=2, padding=1)(torch.zeros(1, 1, 28, 28)).shape",
        "Bonus: at stride 1 a 7x7 kernel gives 28 + 2p - 7 + 1 pixels; set it to 28, solve for p.",
    ],
    solution="""
        conv = nn.Conv2d(1, 8, kernel_size=5, stride=2, padding=1)
        out_shape = tuple(conv(torch.zeros(1, 1, 28, 28)).shape)  # (28 + 2 - 5) // 2 + 1 = 13
        padding_7x7 = 3  # (7 - 1) / 2: 28 + 2*3 - 7 + 1 = 28
    """,
    why="The padded image is 28 + 2 = 30 pixels wide; a 5-pixel kernel has 30 - 5 = 25 pixels "
    "to travel, which stride 2 covers in 25 // 2 = 12 steps: 13 positions. One channel per "
    "filter: 8. At stride 1 a k x k kernel keeps the size when p = (k - 1) / 2, which is why "
    "odd kernel sizes are the usual choice.",
    answer_names=("out_shape", "padding_7x7"),
)
