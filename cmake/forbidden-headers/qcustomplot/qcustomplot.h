// Stand-in put first on the include path of every widgets target but widgets/charts.
#error "qcustomplot.h is included only by the chart adapter in widgets/charts (docs/architecture.md)"
