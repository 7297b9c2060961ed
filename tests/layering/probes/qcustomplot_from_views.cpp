// Must not compile: only the chart adapter in widgets/charts includes QCustomPlot.
#include "widgets/views/planview.h"
#include <qcustomplot.h>
