// ChartView's construction, axes, legend, series, notes and files; what the user does with the
// chart on screen (zoom limits, clicks, hover text, the mark) is in chartview_interaction.cpp.

#include "widgets/charts/chartview.h"

#include <QScopedValueRollback>

#include "widgets/charts/chartview_plot.h"

#include <QBrush>
#include <QFont>
#include <QFontMetrics>
#include <QList>
#include <QMargins>
#include <QMouseEvent>
#include <QResizeEvent>
#include <QSharedPointer>
#include <QSvgGenerator>
#include <Qt>
#include <QtGlobal>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

namespace coinfer {

using chartdetail::axisOf;
using chartdetail::barsOf;
using chartdetail::legendItems;

namespace {

/// Ticks at whole numbers only: the library's step, moved to 1, 2 or 5 times a power of ten.
class IntegerTicker : public QCPAxisTicker {
protected:
    double getTickStep(const QCPRange& range) override
    {
        const double step = QCPAxisTicker::getTickStep(range);
        if (step <= 1)
            return 1;
        const double magnitude = std::pow(10.0, std::floor(std::log10(step)));
        const double mantissa = step / magnitude;
        return (mantissa < 1.5 ? 1 : mantissa < 3.5 ? 2 : mantissa < 7.5 ? 5 : 10) * magnitude;
    }

    int getSubTickCount(double tickStep) override
    {
        // Sub-ticks fall on whole numbers too: none under a step of 1, one under 2, four under 5 and 10.
        if (tickStep <= 1)
            return 0;
        const double mantissa = tickStep / std::pow(10.0, std::floor(std::log10(tickStep)));
        return mantissa < 1.5 ? (tickStep >= 10 ? 4 : 0) : mantissa < 3.5 ? 1 : 4;
    }
};

QCPScatterStyle::ScatterShape shapeOf(PointMarker marker)
{
    switch (marker) {
    case PointMarker::None:
        return QCPScatterStyle::ssNone;
    case PointMarker::Disc:
        return QCPScatterStyle::ssDisc;
    case PointMarker::Triangle:
        return QCPScatterStyle::ssTriangle;
    }
    return QCPScatterStyle::ssNone;
}

PointMarker markerOf(QCPScatterStyle::ScatterShape shape)
{
    switch (shape) {
    case QCPScatterStyle::ssDisc:
        return PointMarker::Disc;
    case QCPScatterStyle::ssTriangle:
        return PointMarker::Triangle;
    default:
        return PointMarker::None;
    }
}

/// Sets the value axes' tick counts to what the plot's height, as last laid out, holds: about
/// one value label per 40 px, never more than the library's usual five. True if any changed.
bool fitValueTickCounts(const QCustomPlot* plot)
{
    const int height = plot->axisRect()->height();
    const int wanted = std::clamp(height / 40, 2, 5);
    bool changed = false;
    for (QCPAxis* axis : {plot->yAxis, plot->yAxis2})
        if (height > 0 && axis->ticker() && axis->ticker()->tickCount() != wanted) {
            axis->ticker()->setTickCount(wanted);
            changed = true;
        }
    return changed;
}

/// Sets the key axis' tick count to as many of its widest label as the plot's width holds side
/// by side, from three to the library's usual five: a narrow chart of batch sizes 1 to 32 ran
/// its labels together ("51015202530"). Text labels and turned labels keep their own. True if
/// it changed. O(labels).
bool fitKeyTickCount(const QCustomPlot* plot)
{
    QCPAxis* axis = plot->xAxis;
    const QVector<QString> labels = axis->tickVectorLabels();
    const int width = plot->axisRect()->width();
    if (!axis->ticker() || axis->ticker().dynamicCast<QCPAxisTickerText>() || axis->tickLabelRotation() != 0 ||
        labels.isEmpty() || width <= 0)
        return false;
    const QFontMetrics metrics(axis->tickLabelFont());
    int widest = 1;
    for (const QString& label : labels)
        widest = std::max(widest, metrics.horizontalAdvance(label));
    const int wanted = std::clamp(width / (widest + 12), 3, 5); // two could leave a single tick in range
    if (axis->ticker()->tickCount() == wanted)
        return false;
    axis->ticker()->setTickCount(wanted);
    return true;
}

/// Both of the above; true if any count changed.
bool fitTickCounts(const QCustomPlot* plot)
{
    const bool values = fitValueTickCounts(plot);
    return fitKeyTickCount(plot) || values;
}

/// While it lives, the axes have the tick counts a plot of @p size holds, so that a file
/// or a page drawn at another size than the screen's gets labels for its own height: the
/// library lays the ticks out before it knows the height it draws at. The plot is laid out at
/// that size once, without drawing (O(axes + legend entries)). The screen's counts come back
/// when it goes, with a replot that lays the plot out again at the screen's size.
class ValueTicksForSize {
public:
    ValueTicksForSize(QCustomPlot* plot, QSize size) : m_plot(plot)
    {
        for (QCPAxis* axis : {plot->xAxis, plot->yAxis, plot->yAxis2})
            m_screenCounts.push_back(axis->ticker() ? axis->ticker()->tickCount() : 0);
        const QRect screen = plot->viewport();
        plot->setViewport(QRect(QPoint(0, 0), size));
        for (const auto phase : {QCPLayoutElement::upPreparation, QCPLayoutElement::upMargins, QCPLayoutElement::upLayout})
            plot->plotLayout()->update(phase);
        fitTickCounts(plot);
        plot->setViewport(screen);
    }
    ~ValueTicksForSize()
    {
        const QCPAxis* axes[] = {m_plot->xAxis, m_plot->yAxis, m_plot->yAxis2};
        for (size_t i = 0; i < m_screenCounts.size(); ++i)
            if (axes[i]->ticker() && m_screenCounts[i] > 0)
                axes[i]->ticker()->setTickCount(m_screenCounts[i]);
        m_plot->replot(QCustomPlot::rpQueuedReplot);
    }
    ValueTicksForSize(const ValueTicksForSize&) = delete;
    ValueTicksForSize& operator=(const ValueTicksForSize&) = delete;

private:
    QCustomPlot* m_plot;
    std::vector<int> m_screenCounts;
};

} // namespace

ChartView::ChartView(QWidget* parent) : QWidget(parent), m_plot(new QCustomPlot(this))
{
    m_plot->setGeometry(rect());
    connect(m_plot, &QCustomPlot::plottableClick, this,
            [this](QCPAbstractPlottable*, int index, QMouseEvent*) { emit dataClicked(index); });
    // The ticks are laid out before the plot knows its height: a height that asks for fewer
    // ticks than the last replot used draws once more, so a short chart (two timelines
    // compared below it) keeps its value labels apart.
    connect(m_plot, &QCustomPlot::afterLayout, this, [this] {
        // Counts fitted to labels can, in rare ranges, ask for each other in turn: twice is enough.
        if (m_tickRefits < 2 && fitTickCounts(m_plot) && ++m_tickRefits > 0)
            m_plot->replot(QCustomPlot::rpQueuedReplot);
    });
    setUpInteraction();
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
    wrapLegend(width());
    m_tickRefits = 0;
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
    const QScopedValueRollback byProgram(m_settingRanges, true);
    axisOf(m_plot, axis)->setRange(lower, upper);
}

void ChartView::setAxisLower(ChartAxis axis, double lower)
{
    const QScopedValueRollback byProgram(m_settingRanges, true);
    axisOf(m_plot, axis)->setRangeLower(lower);
}

std::pair<double, double> ChartView::axisRange(ChartAxis axis) const
{
    const QCPRange range = axisOf(m_plot, axis)->range();
    return {range.lower, range.upper};
}

void ChartView::fitAxesToData()
{
    const QScopedValueRollback byProgram(m_settingRanges, true);
    m_plot->rescaleAxes();
}

void ChartView::setKeyLabels(const QVector<double>& keys, const QVector<QString>& labels, double rotationDegrees)
{
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    ticker->addTicks(keys, labels);
    m_keyLabels.clear();
    for (qsizetype i = 0; i < std::min(keys.size(), labels.size()); ++i)
        m_keyLabels[keys[i]] = labels[i];
    m_plot->xAxis->setTicker(ticker);
    m_plot->xAxis->setTickLabelRotation(rotationDegrees);
}

void ChartView::setLegend(LegendPlacement placement)
{
    m_legendPlacement = placement;
    m_plot->legend->setVisible(placement != LegendPlacement::Hidden);
    if (placement != LegendPlacement::Below)
        return; // the library's default place is inside, top right
    m_plot->legend->setFillOrder(QCPLegend::foColumnsFirst);
    // The legend's frame is drawn just outside its cell, and the cell ended on the chart's edge:
    // the frame's right and bottom sides fell outside what the chart draws and were never seen.
    m_plot->plotLayout()->setMargins(QMargins(0, 0, 1, 2));
    m_plot->plotLayout()->addElement(1, 0, m_plot->legend);
    m_plot->plotLayout()->setRowStretchFactor(1, 0.001); // as tall as its text, the plot takes the rest
}

void ChartView::wrapLegend(int width) const
{
    QCPLegend* legend = m_plot->legend;
    const QList<QCPAbstractLegendItem*> items = legendItems(legend);
    if (m_legendPlacement != LegendPlacement::Below || items.isEmpty())
        return;
    int widestEntry = 1;
    for (const QCPAbstractLegendItem* item : items)
        widestEntry = std::max(widestEntry, item->minimumOuterSizeHint().width() + legend->columnSpacing());
    const int perRow = std::max(1, (width - 20) / widestEntry);
    if (legend->wrap() != perRow) {
        legend->setWrap(perRow);
        legend->setFillOrder(QCPLegend::foColumnsFirst, true); // moves the entries into the new rows
    }
}

void ChartView::setIntegerTicks(ChartAxis axis)
{
    axisOf(m_plot, axis)->setTicker(QSharedPointer<QCPAxisTicker>(new IntegerTicker));
}

QVector<double> ChartView::ticks(ChartAxis axis) const
{
    return axisOf(m_plot, axis)->tickVector();
}

int ChartView::addBars(const BarSeries& series)
{
    const QList<QCPBars*> existing = barsOf(m_plot);
    auto* bars = new QCPBars(m_plot->xAxis, m_plot->yAxis);
    bars->setName(series.name);
    bars->setBrush(series.fill);
    bars->setSelectable(QCP::stNone); // the chosen user is marked by markKey(), never by a colour
    // A darker edge of the fill's own hue: the library's blue would read as "edge computing".
    bars->setPen(series.outlined ? QPen(series.fill.darker(150), 1) : QPen(Qt::NoPen));
    bars->setWidth(series.width);
    if (series.stackedOn >= 0 && series.stackedOn < existing.size()) {
        QCPBars* below = existing[series.stackedOn];
        bars->moveAbove(below);
        // A bars group places only the bars in it: stacked bars outside the group stood at the
        // key's middle while the bars they sit on stood aside, in their group's slot.
        if (series.group < 0 && below->barsGroup())
            bars->setBarsGroup(below->barsGroup());
    }
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
    graph->setSelectable(QCP::stNone);
    if (series.join == LineJoin::StepLeft)
        graph->setLineStyle(QCPGraph::lsStepLeft);
    else if (series.join == LineJoin::None)
        graph->setLineStyle(QCPGraph::lsNone);
    if (series.marker != PointMarker::None)
        graph->setScatterStyle(series.markerColour.isValid()
                                   ? QCPScatterStyle(shapeOf(series.marker), series.markerColour, series.markerSize)
                                   : QCPScatterStyle(shapeOf(series.marker), series.markerSize));
    if (!series.inLegend)
        graph->removeFromLegend();
    return m_plot->graphCount() - 1;
}

int ChartView::addBand(const BandSeries& series)
{
    QCPGraph* lower = m_plot->addGraph(m_plot->xAxis, m_plot->yAxis);
    QCPGraph* upper = m_plot->addGraph(m_plot->xAxis, m_plot->yAxis);
    lower->setData(series.x, series.lower);
    upper->setData(series.x, series.upper);
    for (QCPGraph* edge : {lower, upper}) {
        edge->setName(series.name);
        edge->setPen(Qt::NoPen);
        edge->setSelectable(QCP::stNone);
        edge->removeFromLegend();
        edge->setProperty("band", true);
    }
    QColor fill = series.fill;
    fill.setAlpha(50);
    upper->setBrush(fill);
    upper->setChannelFillGraph(lower);
    return m_plot->graphCount() - 2;
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
    if (m_mark) {
        m_plot->removeItem(m_mark);
        m_mark = nullptr;
    }
    m_markedKey.reset();
}

void ChartView::setNote(const QString& note)
{
    if (!m_note) {
        m_note = new QCPItemText(m_plot);
        m_note->setLayer(QStringLiteral("axes"));
        m_note->setSelectable(false);
        m_note->position->setType(QCPItemPosition::ptAxisRectRatio);
        m_note->position->setCoords(0.5, 0.4);
        QFont larger = m_note->font();
        larger.setPointSizeF(larger.pointSizeF() * 1.2);
        m_note->setFont(larger);
    }
    m_note->setText(note);
    m_note->setVisible(!note.isEmpty());
}

void ChartView::setNoteAbove(const QString& note)
{
    // The row exists only while there is a note: an empty row keeps its height in the layout.
    QCPLayoutGrid* layout = m_plot->plotLayout();
    const bool inLayout = m_noteAbove && layout->hasElement(0, 0) && layout->element(0, 0) == m_noteAbove;
    if (note.isEmpty()) {
        if (inLayout) {
            layout->take(m_noteAbove);
            layout->simplify();
        }
        if (m_noteAbove)
            m_noteAbove->setText(QString());
        return;
    }
    if (!m_noteAbove) {
        // Owned by the plot (a QObject child), in or out of its layout.
        m_noteAbove = new QCPTextElement(m_plot, QString(), QFont(font().family(), static_cast<int>(font().pointSizeF() * 1.1)));
        m_noteAbove->setTextColor(QColor(92, 68, 0)); // the banners' brown on the page's background
    }
    m_noteAbove->setText(note);
    if (!inLayout) {
        layout->insertRow(0);
        layout->addElement(0, 0, m_noteAbove);
        layout->setRowStretchFactor(0, 0.001); // as tall as its text
    }
}

QString ChartView::note() const
{
    if (m_note && m_note->visible())
        return m_note->text();
    return m_noteAbove ? m_noteAbove->text() : QString();
}

void ChartView::replot()
{
    m_tickRefits = 0;
    wrapLegend(width());
    draw();
    rememberView();
}

void ChartView::draw()
{
    // A chart on a page not shown (a hidden tab or chooser page of a shown window) is drawn when
    // it shows: at 10,000 users the GUI thread has no time to paint what nobody sees.
    if (!isVisible() && window()->isVisible()) {
        m_drawPending = true;
        return;
    }
    m_drawPending = false;
    m_plot->replot();
}

void ChartView::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    if (m_drawPending)
        draw();
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

namespace {

/// Hides the mark of the chosen key while a chart is drawn for a file or a report: an export
/// shows the data, not what was selected on screen. Restores it when it goes.
class MarkHiddenWhileExporting {
public:
    explicit MarkHiddenWhileExporting(QCPItemRect* mark) : m_mark(mark), m_wasVisible(mark && mark->visible())
    {
        if (m_mark)
            m_mark->setVisible(false);
    }
    ~MarkHiddenWhileExporting()
    {
        if (m_mark)
            m_mark->setVisible(m_wasVisible);
    }
    MarkHiddenWhileExporting(const MarkHiddenWhileExporting&) = delete;
    MarkHiddenWhileExporting& operator=(const MarkHiddenWhileExporting&) = delete;

private:
    QCPItemRect* m_mark;
    bool m_wasVisible;
};

} // namespace

bool ChartView::save(const QString& path, int width, int height) const
{
    const MarkHiddenWhileExporting hidden(m_mark);
    // The legend wraps to the file's width, then back to the screen's.
    wrapLegend(width);
    const ValueTicksForSize ticks(m_plot, QSize(width, height));
    const bool saved = saveAs(path, width, height);
    wrapLegend(this->width());
    return saved;
}

bool ChartView::saveAs(const QString& path, int width, int height) const
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

QPixmap ChartView::toPixmap(int width, int height, double scale) const
{
    const MarkHiddenWhileExporting hidden(m_mark);
    wrapLegend(width);
    const ValueTicksForSize ticks(m_plot, QSize(width, height));
    QPixmap pixmap = m_plot->toPixmap(width, height, scale);
    wrapLegend(this->width());
    return pixmap;
}

} // namespace coinfer

#include "moc_chartview.cpp"
