// spotcheck — the charts of the statistics dashboard (/staff/stats): each
// chart is drawn with Apache ECharts (vendor/echarts.min.js) from the same
// tables the page shows, read from the JSON block #stats-data. Plain
// JavaScript; without it the page is its tables.
"use strict";

(function () {
  var block = document.getElementById("stats-data");
  if (!block || typeof echarts === "undefined") {
    return;
  }
  var data = JSON.parse(block.textContent);
  var tables = {};
  data.tables.forEach(function (t) { tables[t.key] = t; });

  // number reads a cell: "12.5%" as 12.5, "3" as 3.
  function number(cell) {
    var n = parseFloat(String(cell).replace("%", ""));
    return isNaN(n) ? 0 : n;
  }

  function option(chart, t) {
    var labels = t.rows.map(function (r) { return r[chart.label]; });
    var series = chart.values.map(function (col) {
      return {
        name: t.headers[col],
        type: chart.kind === "pie" ? "pie" : "bar",
        stack: chart.kind === "stack" ? "all" : undefined,
        data: t.rows.map(function (r, i) {
          return chart.kind === "pie" ? {name: labels[i], value: number(r[col])} : number(r[col]);
        })
      };
    });
    var o = {
      aria: {enabled: true},
      animation: false,
      tooltip: {trigger: chart.kind === "pie" ? "item" : "axis", renderMode: "richText"},
      legend: {show: chart.values.length > 1 || chart.kind === "pie", top: 0},
      series: series
    };
    if (chart.kind !== "pie") {
      o.grid = {left: 48, right: 16, top: 32, bottom: 72};
      o.xAxis = {type: "category", data: labels, axisLabel: {interval: 0, rotate: labels.length > 6 ? 40 : 0}};
      o.yAxis = {type: "value", name: chart.percent ? "%" : "", max: chart.percent ? 100 : undefined};
    } else {
      series[0].radius = ["35%", "65%"];
      series[0].top = 24;
    }
    return o;
  }

  var charts = [];
  data.charts.forEach(function (chart) {
    var t = tables[chart.table];
    var box = document.getElementById("chart-" + chart.table);
    if (!t || !box || !t.rows || t.rows.length === 0) {
      return;
    }
    box.hidden = false;
    box.setAttribute("role", "img");
    box.setAttribute("aria-label", t.title + "（图表，数据见下表）");
    var c = echarts.init(box, null, {renderer: "canvas"});
    c.setOption(option(chart, t));
    charts.push(c);
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (c) { c.resize(); });
  });
})();
