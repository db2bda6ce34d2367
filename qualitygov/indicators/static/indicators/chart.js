/* The indicator page's chart: actual values, the expected path, the target and (for "about" targets)
   the band, read from the JSON that the page embeds with json_script. Works offline (bundled ECharts). */
(function () {
  "use strict";
  var holder = document.getElementById("indicator-chart");
  var dataNode = document.getElementById("indicator-chart-data");
  if (!holder || !dataNode || typeof echarts === "undefined") { return; }
  var data = JSON.parse(dataNode.textContent);
  var names = JSON.parse(document.getElementById("indicator-chart-labels").textContent);
  var hasBand = data.low.some(function (v) { return v !== null; });
  var series = [
    { name: names.actual, type: "line", data: data.actual, connectNulls: true, symbolSize: 7, z: 5 },
    { name: names.expected, type: "line", data: data.expected, lineStyle: { type: "dashed" }, symbol: "none",
      connectNulls: true }
  ];
  if (hasBand) {
    // The band is drawn as a stacked area: an invisible lower line, then the band's width on top of it.
    series.push({ name: names.band, type: "line", stack: "band", data: data.low, symbol: "none",
                  lineStyle: { opacity: 0 }, tooltip: { show: false } });
    series.push({ name: names.band, type: "line", stack: "band", symbol: "none", lineStyle: { opacity: 0 },
                  areaStyle: { opacity: 0.15 },
                  data: data.high.map(function (h, i) { return h === null || data.low[i] === null ? null : h - data.low[i]; }) });
  }
  // Derived values (the expected path, averages) carry 4 decimals in the data; show at most 2.
  function shown(value) {
    if (value === null || value === undefined || value === "-") { return "—"; }
    return String(Math.round(Number(value) * 100) / 100);
  }
  if (data.target !== null) {
    // The label sits inside the plot, above the line at its right end, so it is never clipped.
    var targetText = names.target + " " + shown(data.target) + (data.target_year ? "（" + data.target_year + "）" : "");
    series[0].markLine = { symbol: "none", data: [{ yAxis: data.target, name: names.target }],
                           label: { position: "insideEndTop", formatter: targetText } };
  }
  var chart = echarts.init(holder);
  chart.setOption({
    animation: false,
    tooltip: { trigger: "axis", valueFormatter: shown },
    legend: { data: [names.actual, names.expected].concat(hasBand ? [names.band] : []) },
    grid: { left: 56, right: 32, top: 40, bottom: 40, containLabel: true },
    xAxis: { type: "category", data: data.labels },
    yAxis: { type: "value", name: data.unit, scale: true, axisLabel: { formatter: shown } },
    series: series
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
