// One plotly.js graph per chart element, kept across reruns (pages/chart.py says why).
//
// Streamlit calls this default export when the element mounts and again, on the same
// parentElement, whenever a rerun hands it new data. The first call makes the graph div;
// every later call with different bytes hands the new figure to Plotly.react on that div,
// which updates what changed instead of building the chart from nothing.
//
// data: UTF-8 JSON bytes {height, src, config, text, name, menu, figure: {data, layout,
// frames?}}; arrays inside the figure are plotly.js 3's typed-array specs {dtype, bdata}.
//
// The plotly.js config goes to the graph with its first draw only (and again if it changed):
// handed to every Plotly.react it is deep-copied and diffed each time, for nothing.
//
// Exports: a modebar button opens a small menu (PNG at 1×, 2×, 4×; SVG; a standalone HTML
// file that works offline; the chart's data as CSV), made in the browser from what this
// graph holds, so they are exactly the chart on the screen.

// plotly.js, loaded once per page as a classic script (it sets window.Plotly). The promise
// lives on window so that every chart of every page visit in this tab shares it.
function loadPlotly(src) {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!window.__rnnvizPlotly) {
    window.__rnnvizPlotly = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = appBase() + src;
      script.async = true;
      script.onload = () =>
        window.Plotly ? resolve(window.Plotly) : reject(new Error("plotly.js did not load"));
      script.onerror = () => {
        window.__rnnvizPlotly = null;  // the next chart (or rerun) tries again
        script.remove();
        reject(new Error("could not load " + src));
      };
      document.head.appendChild(script);
    });
  }
  return window.__rnnvizPlotly;
}

// The app's base URL as the browser sees it (any path prefix a proxy adds included):
// where Streamlit's own index script was loaded from.
function appBase() {
  const own = document.querySelector('script[src*="static/js/index"]');
  if (own) return own.src.replace(/static\/js\/index[^/]*$/, "");
  return new URL("./", document.baseURI).href;
}

function sameBytes(a, b) {
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function makeRoot(parent) {
  const root = document.createElement("div");
  root.className = "rnnviz-chart";
  root.dataset.testid = "rnnvizChart";
  root.style.position = "relative";
  root.style.width = "100%";
  const gd = document.createElement("div");
  gd.style.width = "100%";
  gd.style.height = "100%";
  const note = document.createElement("div");
  note.setAttribute("role", "alert");
  note.dataset.testid = "rnnvizChartError";
  note.style.cssText = "display:none;position:absolute;inset:0;padding:1rem;" +
    "border:1px solid rgba(255,75,75,.5);border-radius:.5rem;background:rgba(255,43,43,.09);" +
    "color:inherit;font:inherit;overflow:auto";
  root.append(gd, note);
  parent.appendChild(root);
  root.__gd = gd;
  root.__note = note;
  root.__seq = 0;
  // follow the column's width (sidebar opened or closed, window resized)
  let lastWidth = 0;
  root.__resize = new ResizeObserver((entries) => {
    const width = Math.round(entries[0].contentRect.width);
    if (width === lastWidth) return;
    lastWidth = width;
    if (gd._fullLayout && window.Plotly) window.Plotly.Plots.resize(gd).catch(() => {});
  });
  root.__resize.observe(root);
  return root;
}

// ---------------------------------------------------------------- exports
const SCALES = [1, 2, 4];

function download(name, type, parts) {
  const url = URL.createObjectURL(new Blob(parts, { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

function axisTitle(layout, ref, letter) {
  const ax = layout[letter + "axis" + ((ref || letter).slice(1) || "")];
  const title = ax && ax.title && ax.title.text;
  return title ? String(title).replace(/<[^>]*>/g, "") : letter;
}

// A trace's coordinates along one axis: its array, or what x0/dx (y0/dy) generate.
function coords(t, letter, n) {
  const v = t[letter];
  if (v && v.length !== undefined) return Array.from(v);
  const start = Number(t[letter + "0"] || 0), step = Number(t["d" + letter] || 1);
  return Array.from({ length: n }, (_, i) => start + i * step);
}

// Cell centres when plotly.js was given the n + 1 cell edges.
function centres(v, n) {
  return v.length === n + 1 ? v.slice(0, n).map((a, i) => (a + v[i + 1]) / 2) : v.slice(0, n);
}

// A trace's own name; else (a heatmap) its colour bar's title; else plotly.js's "trace N".
function traceName(layout, t) {
  const own = t._input && t._input.name;
  if (own) return String(own);
  const bar = t.coloraxis ? (layout[t.coloraxis] || {}).colorbar : t.colorbar;
  const title = bar && bar.title && bar.title.text;
  return title ? String(title).replace(/<[^>]*>/g, "") : `trace ${t.index}`;
}

// The chart's data as columns: a heatmap as three (x, y, value) in long form, every other
// trace as (x, y); traces that share one x share one x column.
function csvColumns(gd) {
  const layout = gd._fullLayout, traces = gd._fullData.filter((t) => t.visible !== false);
  const cols = [], used = new Map();
  const named = (name) => {  // column names are unique
    const k = used.get(name) || 0;
    used.set(name, k + 1);
    return k ? `${name} (${k + 1})` : name;
  };
  const plain = traces.filter((t) => t.z === undefined);
  const xs = plain.map((t) => coords(t, "x", (t.y || []).length));
  const shared = plain.length > 1 && xs.every((x) => x.length === xs[0].length &&
    x.every((v, i) => v === xs[0][i])) &&
    plain.every((t) => axisTitle(layout, t.xaxis, "x") === axisTitle(layout, plain[0].xaxis, "x"));
  if (shared) cols.push({ name: named(axisTitle(layout, plain[0].xaxis, "x")), values: xs[0] });
  for (const t of traces) {
    const name = traceName(layout, t);
    const xt = axisTitle(layout, t.xaxis, "x"), yt = axisTitle(layout, t.yaxis, "y");
    if (t.z !== undefined) {
      const z = Array.from(t.z, (row) => Array.from(row));
      const nx = Math.max(0, ...z.map((r) => r.length));
      const x = centres(coords(t, "x", nx), nx);
      const y = centres(coords(t, "y", z.length), z.length);
      const cx = [], cy = [], cz = [];
      z.forEach((row, i) => row.forEach((v, j) => { cx.push(x[j]); cy.push(y[i]); cz.push(v); }));
      cols.push({ name: named(`${name}: ${xt}`), values: cx },
                { name: named(`${name}: ${yt}`), values: cy },
                { name: named(name), values: cz });
    } else {
      const y = coords(t, "y", 0);
      if (!shared) cols.push({ name: named(`${name}: ${xt}`), values: coords(t, "x", y.length) });
      cols.push({ name: named(shared ? name : `${name}: ${yt}`), values: y });
    }
  }
  return cols;
}

function csvCell(v, header) {
  if (v === null || v === undefined || (typeof v === "number" && !isFinite(v))) {
    return typeof v === "number" && !isNaN(v) ? String(v) : "";
  }
  let s = String(v);
  if (header && /^[=+\-@]/.test(s)) s = "'" + s;  // a spreadsheet would run it as a formula
  return /[",\n\r]/.test(s) || header ? '"' + s.replace(/"/g, '""') + '"' : s;
}

function csvText(gd) {
  const cols = csvColumns(gd);
  const rows = Math.max(0, ...cols.map((c) => c.values.length));
  const lines = [cols.map((c) => csvCell(c.name, true)).join(",")];
  for (let i = 0; i < rows; i++) lines.push(cols.map((c) => csvCell(c.values[i])).join(","));
  return "\ufeff" + lines.join("\r\n") + "\r\n";  // the BOM: spreadsheets read UTF-8 (Chinese)
}

// A page of its own: plotly.js (the copy this page loaded) and the figure, inline.
async function htmlText(root, spec) {
  const res = await fetch(appBase() + spec.src);
  if (!res.ok) throw new Error("plotly.js: HTTP " + res.status);
  const js = (await res.text()).replace(/<\/script/gi, "<\\/script").replace(/<!--/g, "<\\!--");
  const fig = JSON.parse(new TextDecoder().decode(root.__bytes)).figure;
  const { modeBarButtonsToAdd, ...config } = spec.config;
  const json = (v) => JSON.stringify(v).replace(/</g, "\\u003c");
  const title = String((fig.layout && fig.layout.title && fig.layout.title.text) || spec.name)
    .replace(/<[^>]*>/g, "").replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>${title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="margin:0">
<div id="chart" style="width:100%;height:${spec.height}px"></div>
<script>${js}</script>
<script>
const fig = ${json(fig)};
Plotly.newPlot("chart", fig.data, fig.layout, ${json(config)});
</script>
</body></html>
`;
}

async function exportAs(root, what) {
  const gd = root.__gd, spec = root.__spec, Plotly = window.Plotly;
  if (what.startsWith("png")) {
    const scale = Number(what.slice(4)) || 1;
    await Plotly.downloadImage(gd, { format: "png", scale, filename: `${spec.name}-${scale}x`,
      width: gd._fullLayout.width, height: gd._fullLayout.height });
  } else if (what === "svg") {
    await Plotly.downloadImage(gd, { format: "svg", filename: spec.name,
      width: gd._fullLayout.width, height: gd._fullLayout.height });
  } else if (what === "html") {
    download(spec.name + ".html", "text/html", [await htmlText(root, spec)]);
  } else if (what === "csv") {
    download(spec.name + ".csv", "text/csv", [csvText(gd)]);
  }
}

function closeMenu(root) {
  if (root.__menu) root.__menu.style.display = "none";
}

function openMenu(root) {
  const words = root.__spec.menu;
  let menu = root.__menu;
  if (!menu) {
    menu = root.__menu = document.createElement("div");
    menu.dataset.testid = "rnnvizExportMenu";
    menu.setAttribute("role", "menu");
    menu.style.cssText = "position:absolute;top:34px;right:4px;z-index:1001;display:none;" +
      "background:#fff;color:#1a1a1a;border:1px solid rgba(49,51,63,.2);border-radius:.5rem;" +
      "box-shadow:0 4px 16px rgba(0,0,0,.15);padding:.25rem 0;font:inherit;font-size:14px";
    root.appendChild(menu);
    document.addEventListener("pointerdown", (e) => {
      if (menu.style.display !== "none" && !menu.contains(e.target)) closeMenu(root);
    }, true);
    menu.addEventListener("keydown", (e) => { if (e.key === "Escape") closeMenu(root); });
  }
  menu.replaceChildren();  // the labels of this run's language
  const items = [...SCALES.map((s) => ["png-" + s, words.png.replace("{scale}", s)]),
                 ["svg", words.svg], ["html", words.html], ["csv", words.csv]];
  for (const [what, label] of items) {
    const b = document.createElement("button");
    b.type = "button";
    b.dataset.export = what;
    b.setAttribute("role", "menuitem");
    b.textContent = label;  // text, never HTML
    b.style.cssText = "display:block;width:100%;text-align:left;padding:.35rem .9rem;" +
      "border:0;background:none;color:inherit;font:inherit;cursor:pointer;white-space:nowrap";
    b.onmouseenter = () => { b.style.background = "rgba(151,166,195,.15)"; };
    b.onmouseleave = () => { b.style.background = "none"; };
    b.onclick = () => {
      closeMenu(root);
      exportAs(root, what).catch((err) => {
        const note = document.createElement("div");
        note.setAttribute("role", "alert");
        note.dataset.testid = "rnnvizExportError";
        note.textContent = words.export_failed.replace("{reason}", (err && err.message) || String(err));
        note.style.cssText = "padding:.35rem .9rem;color:#b00020";
        menu.replaceChildren(note);
        menu.style.display = "block";
      });
    };
    menu.appendChild(b);
  }
  menu.style.display = "block";
  menu.querySelector("button").focus();
}

// The config plotly.js gets: the page's, plus the export button.
function plotConfig(root, spec, Plotly) {
  const icons = Plotly.Icons || {};
  return {
    ...spec.config,
    modeBarButtonsToAdd: [{
      name: "rnnvizExport",
      title: spec.menu.export,
      icon: icons.disk || icons.camera,
      click: () => (root.__menu && root.__menu.style.display === "block"
        ? closeMenu(root) : openMenu(root)),
    }],
  };
}

// Timings of each call, on the page's clock (performance.now(), ms), for
// tests/browser/latency.py: {key, called, parsed, start, drawn, bytes, skipped, deferred};
// the last 200 calls of the page.
function logCall(entry) {
  const log = window.__rnnvizChartLog || (window.__rnnvizChartLog = []);
  log.push(entry);
  if (log.length > 200) log.splice(0, 100);
  return entry;
}

function showError(root, text, err) {
  const reason = (err && err.message) || String(err);
  root.__note.textContent = text.replace("{reason}", reason);  // text, never HTML
  root.__note.style.display = "block";
  root.__gd.style.visibility = "hidden";
  root.dataset.state = "failed";
}

// ---------------------------------------------------------------- draw order
// A slider move changes every chart of a page at once, and Streamlit hands them to this
// module one after the other in one task, so the chart on the screen used to wait for the
// draws of all the charts above and below it. Now a chart in (or near) the viewport draws
// at once; one out of view waits until what is on the screen has been painted, then draws
// in the browser's idle time, one per task (a key press in between is not held up), or at
// once when it is scrolled into view. A newer figure for a waiting chart replaces it (fast
// key repeats draw an off-screen chart once, with the last figure).
const MARGIN_PX = 150;  // "near": scrolled this far, a chart is drawn before it shows
const waiting = new Set();  // roots with a draw put off (root.__job), in page order
let drainAsked = false;

const seen = typeof IntersectionObserver === "function" ? new IntersectionObserver((entries) => {
  for (const e of entries) {
    e.target.__inView = e.isIntersecting;
    if (e.isIntersecting && e.target.__job) runJob(e.target);
  }
}, { rootMargin: `${MARGIN_PX}px 0px` }) : null;

function onScreen(root) {
  if (!seen) return true;
  if (root.__inView !== undefined) return root.__inView;  // the observer's last word
  const r = root.getBoundingClientRect();  // before its first report (a new chart)
  return r.bottom > -MARGIN_PX && r.top < window.innerHeight + MARGIN_PX && r.width > 0;
}

function runJob(root) {
  const job = root.__job;
  root.__job = null;
  waiting.delete(root);
  if (job) job();
}

function drainLater() {
  if (drainAsked || !waiting.size) return;
  drainAsked = true;
  const idle = window.requestIdleCallback
    ? (f) => window.requestIdleCallback(f, { timeout: 300 }) : (f) => setTimeout(f, 0);
  // two frames: the on-screen charts drawn in this task are painted first
  requestAnimationFrame(() => requestAnimationFrame(() => idle(() => {
    drainAsked = false;
    for (const root of waiting) {
      if (!root.isConnected) { waiting.delete(root); root.__job = null; continue; }
      runJob(root);
      break;
    }
    drainLater();
  })));
}

function draw(root, spec, seq, log) {
  const gd = root.__gd;
  return loadPlotly(spec.src)
    .then((Plotly) => {
      if (seq !== root.__seq) return;  // a newer figure arrived meanwhile; it draws
      const fig = spec.figure;
      root.__spec = spec;
      const next = { data: fig.data, layout: fig.layout };
      const configKey = JSON.stringify([spec.config, spec.menu]);
      if (root.__configKey !== configKey || !gd._fullLayout) {
        root.__config = plotConfig(root, spec, Plotly);
        root.__configKey = configKey;
        next.config = root.__config;
      }
      if (fig.frames) next.frames = fig.frames;
      // An axis tied to another's scale (scaleanchor) comes out of Plotly.react a fraction of
      // a percent off what the same figure draws from nothing (plotly.js 3.x keeps part of the
      // old constraint); such a chart is drawn afresh, on the same div.
      const tied = Object.keys(fig.layout || {}).some(
        (k) => /^[xy]axis\d*$/.test(k) && fig.layout[k] && fig.layout[k].scaleanchor);
      log.start = performance.now();
      if (tied && gd._fullLayout) return Plotly.newPlot(gd, { ...next, config: root.__config });
      return Plotly.react(gd, next);
    })
    .then(() => {
      if (seq !== root.__seq) return;
      log.drawn = performance.now();
      root.__note.style.display = "none";
      gd.style.visibility = "";
      root.dataset.state = "drawn";
    })
    .catch((err) => {
      if (seq !== root.__seq) return;
      root.__bytes = null;  // the same figure sent again is tried again
      root.__configKey = null;
      showError(root, spec.text, err);
    });
}

export default function (component) {
  const { data, parentElement } = component;
  let root = parentElement.querySelector(":scope > .rnnviz-chart");
  if (!root) {
    root = makeRoot(parentElement);
    if (seen) seen.observe(root);
  }
  const gd = root.__gd;
  const cleanup = () => {
    root.__resize.disconnect();
    if (seen) seen.unobserve(root);
    root.__job = null;
    waiting.delete(root);
    if (window.Plotly) window.Plotly.purge(gd);
  };
  const box = parentElement.closest && parentElement.closest('[class*="st-key-rnnviz_chart-"]');
  const log = { key: box ? (box.className.match(/st-key-rnnviz_chart-(\S+)/) || [])[1] : "",
                called: performance.now(), bytes: data ? data.length : 0 };
  if (sameBytes(root.__bytes, data)) {  // a rerun that changed nothing here
    logCall({ ...log, skipped: true });
    return cleanup;
  }
  logCall(log);
  root.__bytes = data;
  root.dataset.state = "drawing";  // "drawn" or "failed" once plotly.js is done (tests wait on it)
  const seq = ++root.__seq;
  let spec;
  try {
    spec = JSON.parse(new TextDecoder().decode(data));
  } catch (err) {
    root.__job = null;
    waiting.delete(root);
    showError(root, "This chart could not be drawn ({reason}).", err);
    return cleanup;
  }
  log.parsed = performance.now();
  root.style.height = spec.height + "px";  // before plotly.js loads: the page does not jump
  root.__job = () => draw(root, spec, seq, log);
  if (onScreen(root)) {
    runJob(root);
  } else {
    log.deferred = true;
    waiting.delete(root);  // to the end: page order of the latest calls
    waiting.add(root);
    drainLater();
  }
  return cleanup;
}
