/* The public indicator page's chart: published values, the time-proportional path and the target, read
   from the JSON the page embeds (json_script). The table below it carries the same figures without JS. */
(function () {
  "use strict";
  var holder = document.getElementById("indicator-chart");
  var dataNode = document.getElementById("indicator-chart-data");
  if (!holder || !dataNode || typeof echarts === "undefined") { return; }
  var data = JSON.parse(dataNode.textContent);
  var names = JSON.parse(document.getElementById("indicator-chart-labels").textContent);
  function shown(value) {
    if (value === null || value === undefined || value === "-") { return "—"; }
    return String(Math.round(Number(value) * 100) / 100);
  }
  var series = [
    { name: names.actual, type: "line", data: data.actual, connectNulls: true, symbolSize: 8, z: 5 },
    { name: names.expected, type: "line", data: data.expected, lineStyle: { type: "dashed" }, symbol: "none",
      connectNulls: true }
  ];
  if (data.target !== null) {
    var text = names.target + " " + shown(data.target) + (data.target_year ? "（" + data.target_year + "）" : "");
    series[0].markLine = { symbol: "none", data: [{ yAxis: data.target, name: names.target }],
                           label: { position: "insideEndTop", formatter: text } };
  }
  var chart = echarts.init(holder);
  chart.setOption({
    animation: false,
    tooltip: { trigger: "axis", valueFormatter: shown },
    legend: { data: [names.actual, names.expected] },
    grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: data.labels },
    yAxis: { type: "value", name: data.unit, scale: true, axisLabel: { formatter: shown } },
    series: series
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
