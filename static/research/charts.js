/* Draws each [data-chart] element from the JSON the page embeds beside it (json_script).
   The data table under each chart carries the same numbers for screen readers and print. */
(function () {
  "use strict";

  var COLOURS = ["#a4161a", "#174a8b", "#2f7d4a", "#b8860b", "#6a4c93", "#1b998b", "#8d5524", "#5f5f66"];

  function chartOption(data) {
    var horizontal = data.kind === "bar-horizontal";
    var stacked = data.kind === "stacked-bar";
    var categories = { type: "category", data: data.categories, inverse: horizontal };
    var values = { type: "value", minInterval: 1 };
    return {
      animation: false,
      color: COLOURS,
      textStyle: { fontFamily: "PingFang SC, Hiragino Sans GB, Noto Sans CJK SC, Microsoft YaHei, sans-serif" },
      // Rich-text tooltips are drawn on the canvas: HTML tooltips would need inline
      // style attributes, which the Content-Security-Policy refuses.
      tooltip: { trigger: "axis", renderMode: "richText", axisPointer: { type: "shadow" } },
      legend: { top: 0, type: "scroll" },
      grid: { left: 8, right: 32, bottom: 8, top: 40, containLabel: true },
      xAxis: horizontal ? values : categories,
      yAxis: horizontal ? categories : values,
      series: data.series.map(function (series) {
        return {
          name: series.name,
          type: "bar",
          stack: stacked ? "total" : undefined,
          data: series.data,
          barMaxWidth: 36,
          label: { show: !stacked, position: horizontal ? "right" : "top" }
        };
      })
    };
  }

  function draw(element) {
    if (element.getAttribute("data-chart-ready") || !window.echarts) {
      return;
    }
    var source = document.getElementById(element.getAttribute("data-chart"));
    if (!source) {
      return;
    }
    var data = JSON.parse(source.textContent);
    if (!data.categories.length) {
      element.classList.add("chart-empty");
      element.setAttribute("data-chart-ready", "empty");
      return;
    }
    if (data.kind === "bar-horizontal") {
      // One row per province: the chart grows with the list instead of squeezing it.
      element.style.height = Math.max(220, data.categories.length * 44 + 80) + "px";
    }
    var chart = window.echarts.init(element, null, { renderer: "canvas" });
    chart.setOption(chartOption(data));
    element.setAttribute("data-chart-ready", "true");
    window.addEventListener("resize", function () {
      chart.resize();
    });
  }

  function drawAll() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-chart]"), draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
