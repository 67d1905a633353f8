// The centre's indicator charts. Data comes from the JSON block #indicator-charts (the
// Content-Security-Policy forbids inline scripts); every chart has a table beside it.
(function () {
  "use strict";
  var source = document.getElementById("indicator-charts");
  if (!source || typeof window.Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var Chart = window.Chart;
  var BLUE = "#1d4f91", BLUE_LIGHT = "#8fb0dc", GREEN = "#1e6b3a", AMBER = "#c98a00", RED = "#b3261e";
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.color = "#1b1f24";
  Chart.defaults.maintainAspectRatio = false;
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  if (reduceMotion) { Chart.defaults.animation = false; }

  function canvas(id) { return document.getElementById("chart-" + id); }
  function mark(el, chart) { el.dataset.drawn = "1"; el.chart = chart; }
  function empty(el) {
    var note = document.createElement("p");
    note.className = "muted chart-empty";
    note.textContent = el.closest("figure").dataset.empty || "—";
    el.parentNode.replaceChild(note, el);
  }

  function growthChart() {
    var el = canvas("growth"); if (!el) { return; }
    var g = data.growth;
    // coloured by the plan's measure (average annual growth); year-on-year in grey beside it
    var colours = g.average.map(function (v, i) {
      if (v === null) { return "#c7ced8"; }
      return v >= g.target[i] ? GREEN : RED;
    });
    mark(el, new Chart(el, {
      type: "bar",
      data: { labels: g.labels, datasets: [
        { label: g.averageLabel, data: g.average.map(function (v) { return v === null ? 0 : v; }), backgroundColor: colours },
        { label: g.growthLabel, data: g.growth.map(function (v) { return v === null ? 0 : v; }), backgroundColor: "#9aa5b4" },
        { label: g.targetLabel, data: g.target, backgroundColor: "rgba(201,138,0,.25)", borderColor: AMBER, borderWidth: 2 }
      ] },
      options: { indexAxis: "y", scales: { x: { ticks: { callback: function (v) { return v + "%"; } } } } }
    }));
  }

  function monthlyChart() {
    var el = canvas("monthly"); if (!el) { return; }
    var m = data.monthly;
    if (!m.labels.length) { return empty(el); }
    mark(el, new Chart(el, {
      data: { labels: m.labels, datasets: [
        { type: "bar", label: m.transfersLabel, data: m.transfers, backgroundColor: BLUE, stack: "n" },
        { type: "bar", label: m.licencesLabel, data: m.licences, backgroundColor: BLUE_LIGHT, stack: "n" },
        { type: "line", label: m.valueLabel, data: m.value, borderColor: AMBER, backgroundColor: AMBER, yAxisID: "value", tension: 0.2 }
      ] },
      options: { scales: {
        y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } },
        x: { stacked: true },
        value: { position: "right", beginAtZero: true, grid: { drawOnChartArea: false } }
      } }
    }));
  }

  function barChart(id) {
    var el = canvas(id); if (!el || !data[id]) { return; }
    var b = data[id];
    if (!b.labels.length) { return empty(el); }
    mark(el, new Chart(el, {
      type: "bar",
      data: { labels: b.labels, datasets: [{ label: data.countLabel, data: b.values, backgroundColor: BLUE }] },
      options: { indexAxis: "y", plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } }
    }));
  }

  growthChart();
  monthlyChart();
  ["licensor", "industry", "district", "licence_kind"].forEach(barChart);
})();
