// Charts of the leader's dashboard (领导驾驶舱), drawn with the vendored Apache ECharts from the
// JSON block the page carries (no inline script: CSP). The same figures are in the tables.
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || !window.echarts) {
    return;
  }
  var data = JSON.parse(source.textContent);
  var LIGHT_COLORS = {
    red: "#c62828",
    yellow: "#f2b705",
    green: "#2e7d32",
    done: "#607d8b",
    unknown: "#9e9e9e",
    none: "#cfd8dc",
  };
  var FONT = { fontFamily: "system-ui, 'PingFang SC', 'Microsoft YaHei', sans-serif" };
  var charts = [];

  // Tooltips are drawn on the canvas (renderMode richText): the HTML ones carry inline styles,
  // which the CSP refuses. No animation, so a printout never catches a chart half drawn.
  function draw(name, option) {
    var node = document.querySelector('[data-chart="' + name + '"]');
    if (!node) {
      return;
    }
    if (option.rows) {
      // one bar per row: the chart grows with the number of departments (CSSOM, not markup)
      node.style.height = Math.max(240, 30 * option.rows + 80) + "px";
      delete option.rows;
    }
    var chart = window.echarts.init(node, null, { renderer: "canvas" });
    option.animation = false;
    option.textStyle = FONT;
    option.tooltip = Object.assign({ renderMode: "richText", confine: true }, option.tooltip || {});
    chart.setOption(option);
    node.setAttribute("data-rendered", "true");
    charts.push(chart);
  }

  draw("groups", {
    rows: data.groups.labels.length,
    legend: { top: 0 },
    tooltip: { trigger: "axis" },
    grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: "value", name: "分" },
    yAxis: { type: "category", inverse: true, data: data.groups.labels, axisLabel: { width: 180, overflow: "truncate" } },
    series: [
      { name: "得分", type: "bar", data: data.groups.scored, itemStyle: { color: "#1f5fa8" }, label: { show: true, position: "right" } },
      { name: "满分", type: "bar", data: data.groups.max, itemStyle: { color: "#c5d3e8" } },
    ],
  });

  draw("lights", {
    rows: data.lights.departments.length,
    legend: { top: 0 },
    tooltip: { trigger: "axis" },
    grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: "value", name: "项", minInterval: 1 },
    yAxis: { type: "category", inverse: true, data: data.lights.departments },
    series: data.lights.series.map(function (s) {
      return { name: s.name, type: "bar", stack: "lights", data: s.data, itemStyle: { color: LIGHT_COLORS[s.key] } };
    }),
  });

  draw("trend", {
    legend: { top: 0 },
    tooltip: { trigger: "axis" },
    grid: { left: 8, right: 8, top: 40, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: data.trend.years },
    yAxis: [
      { type: "value", name: "自评得分" },
      { type: "value", name: "收案数", minInterval: 1 },
    ],
    series: [
      { name: "自评得分", type: "line", data: data.trend.score, connectNulls: true, itemStyle: { color: "#1f5fa8" }, label: { show: true } },
      { name: "台账收案", type: "bar", yAxisIndex: 1, data: data.trend.cases, itemStyle: { color: "#9fb8d9" } },
    ],
  });

  function resize() {
    charts.forEach(function (c) {
      c.resize();
    });
  }
  window.addEventListener("resize", resize);
  // The printed page is narrower than the screen: redraw to fit before printing.
  window.addEventListener("beforeprint", resize);
  window.addEventListener("afterprint", resize);
})();
