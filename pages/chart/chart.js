// One plotly.js graph per chart element, kept across reruns (pages/chart.py says why).
//
// Streamlit calls this default export when the element mounts and again, on the same
// parentElement, whenever a rerun hands it new data. The first call makes the graph div;
// every later call with different bytes hands the new figure to Plotly.react on that div,
// which updates what changed instead of building the chart from nothing.
//
// data: UTF-8 JSON bytes {height, src, config, text, figure: {data, layout, frames?}};
// arrays inside the figure are plotly.js 3's typed-array specs {dtype, bdata}.

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

function showError(root, text, err) {
  const reason = (err && err.message) || String(err);
  root.__note.textContent = text.replace("{reason}", reason);  // text, never HTML
  root.__note.style.display = "block";
  root.__gd.style.visibility = "hidden";
  root.dataset.state = "failed";
}

export default function (component) {
  const { data, parentElement } = component;
  let root = parentElement.querySelector(":scope > .rnnviz-chart");
  if (!root) root = makeRoot(parentElement);
  const gd = root.__gd;
  const cleanup = () => {
    root.__resize.disconnect();
    if (window.Plotly) window.Plotly.purge(gd);
  };
  if (sameBytes(root.__bytes, data)) return cleanup;  // a rerun that changed nothing here
  root.__bytes = data;
  root.dataset.state = "drawing";  // "drawn" or "failed" once plotly.js is done (tests wait on it)
  const seq = ++root.__seq;
  let spec;
  try {
    spec = JSON.parse(new TextDecoder().decode(data));
  } catch (err) {
    showError(root, "This chart could not be drawn ({reason}).", err);
    return cleanup;
  }
  root.style.height = spec.height + "px";  // before plotly.js loads: the page does not jump
  loadPlotly(spec.src)
    .then((Plotly) => {
      if (seq !== root.__seq) return;  // a newer figure arrived meanwhile; it draws
      const fig = spec.figure;
      const next = { data: fig.data, layout: fig.layout, config: spec.config };
      if (fig.frames) next.frames = fig.frames;
      // An axis tied to another's scale (scaleanchor) comes out of Plotly.react a fraction of
      // a percent off what the same figure draws from nothing (plotly.js 3.x keeps part of the
      // old constraint); such a chart is drawn afresh, on the same div.
      const tied = Object.keys(fig.layout || {}).some(
        (k) => /^[xy]axis\d*$/.test(k) && fig.layout[k] && fig.layout[k].scaleanchor);
      return tied && gd._fullLayout ? Plotly.newPlot(gd, next) : Plotly.react(gd, next);
    })
    .then(() => {
      if (seq !== root.__seq) return;
      root.__note.style.display = "none";
      gd.style.visibility = "";
      root.dataset.state = "drawn";
    })
    .catch((err) => {
      if (seq !== root.__seq) return;
      root.__bytes = null;  // the same figure sent again is tried again
      showError(root, spec.text, err);
    });
  return cleanup;
}
