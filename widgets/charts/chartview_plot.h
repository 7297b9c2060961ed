#pragma once
// Internal to widgets/charts: what chartview.cpp and chartview_interaction.cpp both ask of the
// plot. Includes qcustomplot.h, so no file outside widgets/charts may include it.

#include "widgets/charts/chartview.h"

#include <QList>
#include <QObject>

#include <qcustomplot.h> // IWYU pragma: export (the one include of it for widgets/charts)

namespace coinfer::chartdetail {

/// The legend's entries in order. The legend's grid counts its empty cells as elements (a
/// wrapped last row has some), so its own count and index cannot be used.
inline QList<QCPAbstractLegendItem*> legendItems(const QCPLegend* legend)
{
    QList<QCPAbstractLegendItem*> items;
    for (int cell = 0; cell < legend->elementCount(); ++cell)
        if (auto* item = qobject_cast<QCPAbstractLegendItem*>(legend->elementAt(cell)))
            items << item;
    return items;
}

/// Every axis a chart has, for what is done to each in turn.
inline constexpr ChartAxis kAllAxes[] = {ChartAxis::Bottom, ChartAxis::Left, ChartAxis::Right};

/// The plot's axis for @p axis.
inline QCPAxis* axisOf(const QCustomPlot* plot, ChartAxis axis)
{
    switch (axis) {
    case ChartAxis::Bottom:
        return plot->xAxis;
    case ChartAxis::Left:
        return plot->yAxis;
    case ChartAxis::Right:
        return plot->yAxis2;
    }
    return plot->xAxis;
}

/// The bar series in the order they were added (the plot keeps every plottable in that order).
inline QList<QCPBars*> barsOf(QCustomPlot* plot)
{
    QList<QCPBars*> found;
    for (int i = 0; i < plot->plottableCount(); ++i)
        if (auto* bars = qobject_cast<QCPBars*>(plot->plottable(i)))
            found << bars;
    return found;
}

} // namespace coinfer::chartdetail
