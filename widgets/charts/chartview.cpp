#include "widgets/charts/chartview.h"

#include <QResizeEvent>
#include <QSvgGenerator>

#include <qcustomplot.h>

namespace coinfer {
namespace {

QCPAxis* axisOf(const QCustomPlot* plot, ChartAxis axis)
{
    switch (axis) {
    case ChartAxis::Bottom: return plot->xAxis;
    case ChartAxis::Left: return plot->yAxis;
    case ChartAxis::Right: return plot->yAxis2;
    }
    return plot->xAxis;
}

QCPScatterStyle::ScatterShape shapeOf(PointMarker marker)
{
    switch (marker) {
    case PointMarker::None: return QCPScatterStyle::ssNone;
    case PointMarker::Disc: return QCPScatterStyle::ssDisc;
    case PointMarker::Triangle: return QCPScatterStyle::ssTriangle;
    }
    return QCPScatterStyle::ssNone;
}

PointMarker markerOf(QCPScatterStyle::ScatterShape shape)
{
    switch (shape) {
    case QCPScatterStyle::ssDisc: return PointMarker::Disc;
    case QCPScatterStyle::ssTriangle: return PointMarker::Triangle;
    default: return PointMarker::None;
    }
}

/// The bar series in the order they were added (the plot keeps every plottable in that order).
QList<QCPBars*> barsOf(QCustomPlot* plot)
{
    QList<QCPBars*> found;
    for (int i = 0; i < plot->plottableCount(); ++i)
        if (auto* bars = qobject_cast<QCPBars*>(plot->plottable(i)))
            found << bars;
    return found;
}

} // namespace

ChartView::ChartView(QWidget* parent)
    : QWidget(parent), m_plot(new QCustomPlot(this))
{
    m_plot->setGeometry(rect());
    connect(m_plot, &QCustomPlot::plottableClick, this, [this](QCPAbstractPlottable*, int index, QMouseEvent*) { emit dataClicked(index); });
}

ChartView::~ChartView() = default;

// The plot fills the chart and the chart asks the plot for its size at every call, without a
// layout that would keep an answer the plot has outgrown since (it grows as axes get labels and
// ticks): so a splitter shares out space exactly as it would for the plot itself.
QSize ChartView::sizeHint() const
{
    return static_cast<const QWidget*>(m_plot)->sizeHint();
}

QSize ChartView::minimumSizeHint() const
{
    return static_cast<const QWidget*>(m_plot)->minimumSizeHint();
}

void ChartView::resizeEvent(QResizeEvent* event)
{
    m_plot->setGeometry(rect());
    QWidget::resizeEvent(event);
}

void ChartView::setAxisLabel(ChartAxis axis, const QString& label)
{
    axisOf(m_plot, axis)->setLabel(label);
    if (axis == ChartAxis::Right)
        m_plot->yAxis2->setVisible(true);
}

void ChartView::setAxisRange(ChartAxis axis, double lower, double upper)
{
    axisOf(m_plot, axis)->setRange(lower, upper);
}

void ChartView::setAxisLower(ChartAxis axis, double lower)
{
    axisOf(m_plot, axis)->setRangeLower(lower);
}

std::pair<double, double> ChartView::axisRange(ChartAxis axis) const
{
    const QCPRange range = axisOf(m_plot, axis)->range();
    return {range.lower, range.upper};
}

void ChartView::fitAxesToData()
{
    m_plot->rescaleAxes();
}

void ChartView::setKeyLabels(const QVector<double>& keys, const QVector<QString>& labels, double rotationDegrees)
{
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    ticker->addTicks(keys, labels);
    m_plot->xAxis->setTicker(ticker);
    m_plot->xAxis->setTickLabelRotation(rotationDegrees);
}

void ChartView::setLegend(LegendPlacement placement)
{
    m_plot->legend->setVisible(placement != LegendPlacement::Hidden);
    if (placement != LegendPlacement::Below)
        return; // the library's default place is inside, top right
    m_plot->legend->setFillOrder(QCPLegend::foColumnsFirst);
    m_plot->plotLayout()->addElement(1, 0, m_plot->legend);
    m_plot->plotLayout()->setRowStretchFactor(1, 0.001); // as tall as its text, the plot takes the rest
}

int ChartView::addBars(const BarSeries& series)
{
    const QList<QCPBars*> existing = barsOf(m_plot);
    auto* bars = new QCPBars(m_plot->xAxis, m_plot->yAxis);
    bars->setName(series.name);
    bars->setBrush(series.fill);
    if (!series.outlined)
        bars->setPen(Qt::NoPen);
    bars->setWidth(series.width);
    if (series.stackedOn >= 0 && series.stackedOn < existing.size())
        bars->moveAbove(existing[series.stackedOn]);
    if (series.group >= 0) {
        QCPBarsGroup*& group = m_groups[series.group];
        if (!group)
            group = new QCPBarsGroup(m_plot);
        bars->setBarsGroup(group);
    }
    bars->setData(series.x, series.y);
    if (!series.inLegend)
        bars->removeFromLegend();
    return static_cast<int>(existing.size());
}

int ChartView::addLine(const LineSeries& series)
{
    QCPGraph* graph = m_plot->addGraph(m_plot->xAxis, series.valueAxis == ChartAxis::Right ? m_plot->yAxis2 : m_plot->yAxis);
    graph->setData(series.x, series.y);
    graph->setName(series.name);
    graph->setPen(series.pen);
    if (series.join == LineJoin::StepLeft)
        graph->setLineStyle(QCPGraph::lsStepLeft);
    else if (series.join == LineJoin::None)
        graph->setLineStyle(QCPGraph::lsNone);
    if (series.marker != PointMarker::None)
        graph->setScatterStyle(series.markerColour.isValid()
                                   ? QCPScatterStyle(shapeOf(series.marker), series.markerColour, series.markerSize)
                                   : QCPScatterStyle(shapeOf(series.marker), series.markerSize));
    return m_plot->graphCount() - 1;
}

void ChartView::appendToLine(int line, double x, double y)
{
    m_plot->graph(line)->addData(x, y);
}

void ChartView::clearLine(int line)
{
    m_plot->graph(line)->data()->clear();
}

void ChartView::clear()
{
    // Groups first: a group lets go of its bars when it goes, so none is left pointing at it.
    for (const auto& [id, group] : m_groups)
        delete group;
    m_groups.clear();
    m_plot->clearPlottables();
}

void ChartView::highlightBars(int index)
{
    if (!m_plot->plottableCount())
        return;
    for (QCPBars* bars : barsOf(m_plot)) {
        QCPDataSelection selection;
        if (index >= 0)
            selection.addDataRange(QCPDataRange(index, index + 1));
        bars->setSelection(selection);
    }
    m_plot->replot();
}

void ChartView::replot()
{
    m_plot->replot();
}

int ChartView::barSeriesCount() const
{
    return static_cast<int>(barsOf(m_plot).size());
}

int ChartView::lineCount() const
{
    return m_plot->graphCount();
}

BarSeries ChartView::barSeries(int index) const
{
    const QCPBars* bars = barsOf(m_plot).at(index);
    BarSeries series;
    series.name = bars->name();
    for (auto point = bars->data()->constBegin(); point != bars->data()->constEnd(); ++point) {
        series.x << point->key;
        series.y << point->value;
    }
    series.fill = bars->brush().color();
    series.outlined = bars->pen().style() != Qt::NoPen;
    series.width = bars->width();
    return series;
}

LineSeries ChartView::line(int index) const
{
    const QCPGraph* graph = m_plot->graph(index);
    LineSeries series;
    series.name = graph->name();
    for (auto point = graph->data()->constBegin(); point != graph->data()->constEnd(); ++point) {
        series.x << point->key;
        series.y << point->value;
    }
    series.pen = graph->pen();
    series.join = graph->lineStyle() == QCPGraph::lsStepLeft ? LineJoin::StepLeft
                  : graph->lineStyle() == QCPGraph::lsNone   ? LineJoin::None
                                                             : LineJoin::Straight;
    series.marker = markerOf(graph->scatterStyle().shape());
    series.markerSize = graph->scatterStyle().size();
    series.valueAxis = graph->valueAxis() == m_plot->yAxis2 ? ChartAxis::Right : ChartAxis::Left;
    return series;
}

QRect ChartView::plotRect() const
{
    return m_plot->axisRect()->outerRect().translated(m_plot->pos());
}

QRect ChartView::legendRect() const
{
    return m_plot->legend->outerRect().translated(m_plot->pos());
}

bool ChartView::save(const QString& path, int width, int height) const
{
    if (path.endsWith(".pdf", Qt::CaseInsensitive))
        return m_plot->savePdf(path, width, height);
    if (path.endsWith(".jpg", Qt::CaseInsensitive) || path.endsWith(".jpeg", Qt::CaseInsensitive))
        return m_plot->saveJpg(path, width, height);
    if (path.endsWith(".svg", Qt::CaseInsensitive)) {
        QSvgGenerator svg;
        svg.setFileName(path);
        svg.setSize(QSize(width, height));
        svg.setViewBox(QRect(0, 0, width, height));
        QCPPainter painter;
        if (!painter.begin(&svg))
            return false;
        m_plot->toPainter(&painter, width, height);
        return painter.end();
    }
    return m_plot->savePng(path, width, height);
}

QPixmap ChartView::toPixmap(int width, int height) const
{
    return m_plot->toPixmap(width, height);
}

} // namespace coinfer

#include "moc_chartview.cpp"
