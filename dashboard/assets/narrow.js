// Charts on a narrow screen (a phone): a chart drawn narrower than NARROW px moves its
// legend under the plot, keeps only the last data label of each line, wraps long category
// names on a bar chart's axis and uses a smaller font; drawn wider again (a turned tablet),
// it is put back as it was. Image exports come from the server and printing draws charts
// at A4 width (print.js), so neither is changed by this.
(function () {
  var NARROW = 560;   // px: the chart's own width below which it is adapted
  var WRAP = {bar: 16, heatmap: 24};  // characters per line of a wrapped row name
  var LABEL = 'data label: ';
  var KEY = 'key: ';
  var CHARTS = '.chart-card .js-plotly-plot';

  function named(annotation, prefix) {
    return typeof annotation.name === 'string' && annotation.name.indexOf(prefix) === 0;
  }

  function wrap(text, width) {
    var words = String(text).split(' '), lines = [], line = '';
    words.forEach(function (w) {
      if (line && (line + ' ' + w).length > width) { lines.push(line); line = w; }
      else { line = line ? line + ' ' + w : w; }
    });
    if (line) { lines.push(line); }
    return lines.join('<br>');
  }

  // The changes that make gd read at a narrow width, and those that undo them.
  function narrowing(gd) {
    var full = gd._fullLayout, lay = gd.layout, on = {}, off = {};
    function set(key, value, before) { on[key] = value; off[key] = before === undefined ? null : before; }
    var legend = lay.legend || {};
    if (full.showlegend && full.legend) {
      var height = Math.ceil(full.legend._height || 0);
      var bottom = (lay.margin && lay.margin.b !== undefined) ? lay.margin.b : full.margin.b;
      set('legend.yref', 'container', legend.yref);
      set('legend.y', 0, legend.y);
      set('legend.yanchor', 'bottom', legend.yanchor);
      set('legend.x', 0, legend.x);
      set('legend.xanchor', 'left', legend.xanchor);
      set('margin.b', bottom + height + 8, lay.margin ? lay.margin.b : undefined);
    }
    set('font.size', 12, lay.font ? lay.font.size : undefined);
    // Each line keeps its last data label only.
    var last = {};
    (lay.annotations || []).forEach(function (a, i) {
      if (!named(a, LABEL)) { return; }
      var axis = full[(a.xref || 'x').replace('x', 'xaxis')] || full.xaxis;
      var at = axis && axis.d2c ? axis.d2c(a.x) : i;
      if (!(a.name in last) || at >= last[a.name].at) { last[a.name] = {at: at, i: i}; }
    });
    var keep = {}, widest = 0;
    Object.keys(last).forEach(function (name) {
      var a = lay.annotations[last[name].i];
      keep[last[name].i] = true;
      widest = Math.max(widest, String(a.text).length * 8 + 12 + Math.abs(a.xshift || 0));
    });
    // The kept labels sit right of the lines' ends: the right margin makes room for them.
    var right = (lay.margin && lay.margin.r !== undefined) ? lay.margin.r : full.margin.r;
    if (widest > right) { set('margin.r', Math.ceil(widest), lay.margin ? lay.margin.r : undefined); }
    (lay.annotations || []).forEach(function (a, i) {
      // A key drawn in the plot ('key: …') says what the chart's note says: left out.
      if (named(a, KEY) || (named(a, LABEL) && !keep[i])) {
        set('annotations[' + i + '].visible', false, a.visible);
      }
    });
    // A category axis with many categories names only some of them.
    ['xaxis', 'yaxis'].forEach(function (axis) {
      var ax = full[axis];
      if (ax && ax.type === 'category' && ax._categories && ax._categories.length > 6 &&
          !(lay[axis] && lay[axis].tickvals)) {
        set(axis + '.nticks', 6, lay[axis] ? lay[axis].nticks : undefined);
      }
    });
    // Horizontal bars and grids: their row names wrap.
    (gd.data || []).forEach(function (trace) {
      var rows = (trace.type === 'bar' && trace.orientation === 'h') || trace.type === 'heatmap';
      if (!rows || !trace.y || typeof trace.y[0] !== 'string') { return; }
      var axis = 'yaxis' + (trace.yaxis && trace.yaxis !== 'y' ? trace.yaxis.slice(1) : '');
      if (on[axis + '.tickvals']) { return; }
      var before = lay[axis] || {};
      set(axis + '.tickmode', 'array', before.tickmode);
      set(axis + '.tickvals', trace.y.slice(), before.tickvals);
      set(axis + '.ticktext', trace.y.map(function (t) { return wrap(t, WRAP[trace.type]); }), before.ticktext);
    });
    return {on: on, off: off};
  }

  function adapt(gd) {
    if (!window.Plotly || !gd._fullLayout || gd._adapting || !gd.offsetWidth) { return; }
    // A grid keeps a readable width in a box that scrolls; the screen is what is narrow.
    var narrow = gd.offsetWidth < NARROW ||
      (gd.closest('.graph-scroll') !== null && window.innerWidth < NARROW);
    // A new figure from the server (Plotly.react) brings a new layout: nothing applied.
    if (gd._narrowed && gd._narrowLayout !== gd.layout) { gd._narrowed = null; }
    if (narrow === Boolean(gd._narrowed)) {  // as it should be (a new figure drawn wide,
      gd.setAttribute('data-narrow', narrow ? 'true' : 'false');  // say): say so
      return;
    }
    var change;
    if (narrow) { change = narrowing(gd); gd._narrowed = change.off; change = change.on; }
    else { change = gd._narrowed; gd._narrowed = null; }
    // Plotly.update, not relayout: Dash's chart answers a relayout event by drawing its
    // figure again, which would undo this and start over.
    gd._adapting = true;
    window.Plotly.update(gd, {}, change).then(function () {
      gd._adapting = false;
      gd._narrowLayout = gd.layout;
      gd.setAttribute('data-narrow', narrow ? 'true' : 'false');
    }, function () { gd._adapting = false; });
  }

  function watch(gd) {
    if (gd._narrowWatched || !gd.on) { return; }
    gd._narrowWatched = true;
    gd.on('plotly_afterplot', function () { if (!gd._adapting) { adapt(gd); } });
    adapt(gd);
  }

  var pending = false;
  function scan() {
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () {
      pending = false;
      document.querySelectorAll(CHARTS).forEach(watch);
    });
  }
  new MutationObserver(scan).observe(document.documentElement, {childList: true, subtree: true});
  window.addEventListener('resize', function () {
    document.querySelectorAll(CHARTS).forEach(adapt);
  });
})();
