// Printing a page: draw each chart at the width of an A4 page (180 mm of text width, 680 px),
// then at the screen's width again afterwards. CSS alone cannot resize a Plotly chart.
(function () {
  var PRINT_WIDTH = 680;
  function graphs() { return document.querySelectorAll('.chart-card .js-plotly-plot'); }
  function forPrint() {
    if (!window.Plotly) { return; }
    graphs().forEach(function (g) {
      try { window.Plotly.relayout(g, {width: PRINT_WIDTH}); } catch (e) { /* not drawn yet */ }
    });
  }
  function forScreen() {
    if (!window.Plotly) { return; }
    graphs().forEach(function (g) {
      try {
        window.Plotly.relayout(g, {width: null, autosize: true});
        window.Plotly.Plots.resize(g);
      } catch (e) { /* removed meanwhile */ }
    });
  }
  window.addEventListener('beforeprint', forPrint);
  window.addEventListener('afterprint', forScreen);
})();
