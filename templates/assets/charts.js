// Progressive enhancement: with JavaScript on, replace each build-time SVG chart by an
// interactive ECharts chart (tooltips, legend toggling, save as image). Without JavaScript the
// SVG stays. Everything is loaded from this site: no CDN.
(function () {
  'use strict';
  if (typeof echarts === 'undefined') return;
  // On narrow screens the build-time SVG (which scrolls sideways) reads better than a squeezed
  // interactive chart: keep it.
  if (window.matchMedia && window.matchMedia('(max-width: 600px)').matches) return;
  var boxes = document.querySelectorAll('[data-chart]');
  Array.prototype.forEach.call(boxes, function (box) {
    var data = document.getElementById(box.getAttribute('data-chart') + '-option');
    if (!data) return;
    var option;
    try { option = JSON.parse(data.textContent); } catch (e) { return; }
    var svg = box.querySelector('svg');
    var label = svg ? svg.getAttribute('aria-label') : '';
    // The interactive chart's own size (the build-time SVG is laid out on its own).
    var ratio = box.getAttribute('data-size') || '2 / 1';
    // ECharts shows the tooltip as HTML: every piece is escaped (labels may come from
    // respondents' cells in projects made with `surveysite new --from`).
    var esc = echarts.format.encodeHTML;
    option.tooltip = { trigger: 'item', formatter: function (p) {
      var v = Array.isArray(p.value) ? p.value : [p.value];
      var text = v.length > 2 && v[2] !== '' ? v[2] : v[0];
      return esc(String(p.seriesName)) + '<br>' + (p.name ? esc(String(p.name).replace(/\n/g, '')) + ': ' : '') + esc(String(text));
    } };
    option.animation = false; // the build-time SVG was already shown: no growing bars
    option.toolbox = { right: 0, top: 0, feature: { saveAsImage: { title: '画像として保存', pixelRatio: 2 } } };
    var host = document.createElement('div');
    host.className = 'chart-live';
    host.setAttribute('role', 'img');
    host.setAttribute('aria-label', label);
    host.style.aspectRatio = ratio;
    // The build-time SVG stays in the page (hidden on screen) for print, where a chart without
    // its toolbox reads better.
    box.classList.add('enhanced');
    box.appendChild(host);
    var chart = echarts.init(host, null, { renderer: 'svg' });
    chart.setOption(option);
    window.addEventListener('resize', function () { chart.resize(); });
  });
})();
