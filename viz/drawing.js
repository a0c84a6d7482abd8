// The drawing pad of notebook 08: draw with mouse, pen or finger (pointer events); after each stroke
// the strokes go to Python, which sends back the 28x28 input and the ten probabilities shown here, or a
// message instead of them ("nothing drawn: ...", "too small to read: ...") when there is no digit to read.
const SIZE = 280;  // CANVAS in drawing.py: strokes are in these pixels

function render({ model, el }) {
  const root = document.createElement("div");
  root.className = "course-drawing";
  root.innerHTML = `
    <div class="course-drawing-left">
      <canvas class="course-drawing-canvas" width="${SIZE}" height="${SIZE}"></canvas>
      <button class="course-drawing-clear" type="button">Clear</button>
    </div>
    <div class="course-drawing-right">
      <div class="course-drawing-caption">what the network sees (28x28)</div>
      <canvas class="course-drawing-input" width="28" height="28"></canvas>
      <div class="course-drawing-bars"></div>
      <div class="course-drawing-prediction">Draw a digit on the left.</div>
    </div>`;
  el.appendChild(root);
  const canvas = root.querySelector(".course-drawing-canvas");
  const ctx = canvas.getContext("2d");
  const input = root.querySelector(".course-drawing-input");
  const bars = root.querySelector(".course-drawing-bars");
  const prediction = root.querySelector(".course-drawing-prediction");
  let strokes = (model.get("strokes") || []).map((s) => s.slice());
  let current = null;

  function paint() {
    ctx.fillStyle = "white";
    ctx.fillRect(0, 0, SIZE, SIZE);
    ctx.strokeStyle = "black";
    ctx.lineWidth = 18;  // PAD_PEN in drawing.py: its smallest readable digit is 3 of these
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    for (const stroke of strokes.concat(current ? [current] : [])) {
      ctx.beginPath();
      stroke.forEach(([x, y], i) => (i ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
      if (stroke.length === 1) ctx.lineTo(stroke[0][0] + 0.1, stroke[0][1]);
      ctx.stroke();
    }
  }

  function point(event) {
    const box = canvas.getBoundingClientRect();
    const x = ((event.clientX - box.left) * SIZE) / box.width;
    const y = ((event.clientY - box.top) * SIZE) / box.height;
    return [Math.round(x * 10) / 10, Math.round(y * 10) / 10];
  }

  canvas.addEventListener("pointerdown", (event) => {
    canvas.setPointerCapture(event.pointerId);
    current = [point(event)];
    paint();
    event.preventDefault();
  });
  canvas.addEventListener("pointermove", (event) => {
    if (!current) return;
    current.push(point(event));
    paint();
  });
  function finish() {
    if (!current) return;
    strokes.push(current);
    current = null;
    model.set("strokes", strokes.map((s) => s.slice()));
    model.save_changes();
    prediction.textContent = "thinking...";
  }
  canvas.addEventListener("pointerup", finish);
  canvas.addEventListener("pointercancel", finish);
  root.querySelector(".course-drawing-clear").addEventListener("click", () => {
    strokes = [];
    current = null;
    paint();
    model.set("strokes", []);
    model.save_changes();
  });

  function showInput() {
    const pixels = model.get("pixels") || [];
    const ictx = input.getContext("2d");
    const image = ictx.createImageData(28, 28);
    for (let i = 0; i < 28 * 28; i++) {
      const v = 255 - Math.round(255 * Math.min(1, Math.max(0, pixels[i] || 0)));
      image.data.set([v, v, v, 255], 4 * i);
    }
    ictx.putImageData(image, 0, 0);
  }

  function showBars() {
    const message = model.get("message") || "";
    bars.innerHTML = "";
    if (message) {  // no digit to read: say why, and show no bars (a probability of nothing would mislead)
      prediction.textContent = message;
      return;
    }
    const probabilities = model.get("probabilities") || [];
    const best = probabilities.length ? probabilities.indexOf(Math.max(...probabilities)) : -1;
    for (let digit = 0; digit < 10; digit++) {
      const p = probabilities[digit] || 0;
      const row = document.createElement("div");
      row.className = "course-drawing-row" + (digit === best ? " course-drawing-best" : "");
      row.innerHTML = `<span>${digit}</span><div class="course-drawing-track"><div class="course-drawing-bar"
        style="width:${(100 * p).toFixed(1)}%"></div></div><span>${(100 * p).toFixed(1)}%</span>`;
      bars.appendChild(row);
    }
    prediction.textContent = best < 0 ? "Draw a digit on the left."
      : `prediction: ${best} (${(100 * probabilities[best]).toFixed(1)}%)`;
  }

  model.on("change:pixels", showInput);
  model.on("change:probabilities", showBars);
  model.on("change:message", showBars);
  // every reply bumps `answered`: repaint even when the reply equals the last one ("thinking..." must go)
  model.on("change:answered", () => { showInput(); showBars(); });
  paint();
  showInput();
  showBars();
}

export default { render };
