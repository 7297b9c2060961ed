#include "widgets/views/comparisonview.h"

#include "widgets/charts/chartview.h"
#include "widgets/export/chartexport.h"

#include <QAbstractItemView>
#include <QColor>
#include <QFont>
#include <QHeaderView>
#include <QLabel>
#include <QPen>
#include <QScrollBar>
#include <QSize>
#include <QSizePolicy>
#include <QStackedWidget>
#include <QStringList>
#include <QTableWidget>
#include <QTableWidgetItem>
#include <QVBoxLayout>
#include <QVector>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>

namespace coinfer {
namespace {

const QColor kFeasibleColour(70, 130, 180);
const QColor kRecommendedColour(46, 139, 87);
const QColor kLateColour(200, 200, 200);
const QColor kBoundColour(178, 34, 34);

QString percentText(double percent)
{
    return std::isfinite(percent) ? QString::number(percent, 'f', 2) + " %" : QStringLiteral("-");
}

} // namespace

ComparisonView::ComparisonView(QWidget* parent)
    : QWidget(parent)
    , m_summary(new QLabel(this))
    , m_table(new QTableWidget(this))
    , m_chartOrMessage(new QStackedWidget(this))
    , m_chart(new ChartView(m_chartOrMessage))
    , m_message(new QLabel(m_chartOrMessage))
{
    auto* layout = new QVBoxLayout(this);
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::RichText);
    layout->addWidget(m_summary);
    m_table->setColumnCount(ColumnCount);
    // Two-line headers keep the numeric columns as narrow as their numbers.
    m_table->setHorizontalHeaderLabels({tr("Algorithm"), tr("Energy\n(mJ)"), tr("Saving\n(%)"), tr("Batches"), tr("Feasible"),
                                        tr("Lower\nbound (mJ)"), tr("Gap to\nbound"), tr("Search")});
    m_table->horizontalHeaderItem(BoundColumn)
        ->setToolTip(tr("A proven lower bound on the energy of any plan that meets every deadline"));
    m_table->horizontalHeaderItem(GapColumn)->setToolTip(
        tr("How far the plan is above the strongest lower bound: at most this far above the optimum"));
    m_table->horizontalHeaderItem(SearchColumn)
        ->setToolTip(tr("For the searching planners: whether the plan is proven optimal or the search stopped first"));
    m_table->verticalHeader()->hide();
    setTableSizing(true);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_table->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    connect(m_table->verticalHeader(), &QHeaderView::sectionResized, this, &ComparisonView::fitTableHeight);
    connect(m_table->horizontalScrollBar(), &QScrollBar::rangeChanged, this, &ComparisonView::fitTableHeight);
    layout->addWidget(m_table);
    m_chart->setMinimumHeight(220);
    m_chart->setAxisLabel(ChartAxis::Left, tr("Total user energy (mJ)"));
    m_chart->setLegend(LegendPlacement::Below); // below the bars, never over them
    m_message->setAlignment(Qt::AlignCenter);
    m_message->setWordWrap(true);
    QFont larger = m_message->font();
    larger.setPointSizeF(larger.pointSizeF() * 1.3);
    m_message->setFont(larger);
    m_chartOrMessage->addWidget(m_chart);
    m_chartOrMessage->addWidget(m_message);
    layout->addWidget(m_chartOrMessage, 1);
}

double ComparisonView::strongestBoundMj(const std::vector<AlgorithmResult>& results)
{
    double bound = NAN;
    for (const AlgorithmResult& result : results)
        if (result.plan && std::isfinite(result.plan->lowerBoundMj))
            bound = std::isfinite(bound) ? std::max(bound, result.plan->lowerBoundMj) : result.plan->lowerBoundMj;
    return bound;
}

double ComparisonView::gapToBoundPercent(const Plan& plan, double boundMj)
{
    if (!plan.feasible || !std::isfinite(boundMj))
        return NAN;
    if (boundMj <= 0)
        return plan.totalEnergyMj <= 0 ? 0.0 : NAN;
    return std::max(0.0, 100.0 * (plan.totalEnergyMj - boundMj) / boundMj);
}

QString ComparisonView::searchOutcome(const AlgorithmResult& result)
{
    if (!isSearchingAlgorithm(result.algorithm))
        return {};
    if (result.pending)
        return tr("searching...");
    if (!result.plan)
        return result.message;
    const Plan& plan = *result.plan;
    if (plan.provenOptimal)
        return tr("proven optimal");
    // The tooltip gives the exact end.
    const QString seconds = QString::number(result.elapsedMs / 1000.0, 'f', 1);
    const QString verdict = plan.feasible ? tr("not proven") : tr("no plan found");
    if (plan.searchEnd == searchEndName(SearchEnd::Cancelled))
        return tr("cancelled at %1 s, %2").arg(seconds, verdict);
    if (plan.searchEnd == searchEndName(SearchEnd::WorkBudget))
        return tr("budget spent in %1 s, %2").arg(seconds, verdict);
    return tr("stopped at %1 s, %2").arg(seconds, verdict);
}

const AlgorithmResult* ComparisonView::recommendedResult(const std::vector<AlgorithmResult>& results)
{
    // Best is the plan the app recommends, unless a plan shown beside it (exact, after a longer
    // search, or a heuristic while best still searches) meets every deadline for less energy:
    // the recommendation is never beaten by a plan on the same screen.
    const AlgorithmResult* recommended = nullptr;
    for (const AlgorithmResult& result : results) {
        if (!result.plan || !result.plan->feasible)
            continue;
        const bool isBest = result.algorithm == Algorithm::Best;
        if (!recommended || result.plan->totalEnergyMj < recommended->plan->totalEnergyMj * (1 - 1e-9) ||
            (isBest && result.plan->totalEnergyMj <= recommended->plan->totalEnergyMj * (1 + 1e-9)))
            recommended = &result;
    }
    return recommended;
}

void ComparisonView::showResults(const std::vector<AlgorithmResult>& results, const std::optional<GpuSaturation>& saturation)
{
    m_lowerBoundMj = strongestBoundMj(results);
    // The core's sentence, as the command line prints it, made a sentence of the page.
    m_saturationMessage = QString::fromStdString(saturation ? describeGpuSaturation(*saturation) : std::string());
    // The page spaces "2.86 %" as its other percentages; the words and numbers stay the core's.
    if (!m_saturationMessage.isEmpty())
        m_saturationMessage = m_saturationMessage.left(1).toUpper() + m_saturationMessage.mid(1).replace("%", " %") + '.';
    const AlgorithmResult* recommended = recommendedResult(results);
    fillTable(results, recommended);
    writeSummary(results, recommended);
    drawChart(results, recommended);
}

void ComparisonView::fillTable(const std::vector<AlgorithmResult>& results, const AlgorithmResult* recommended)
{
    // Sized once after filling: sections sized to their contents would measure the whole table
    // again for every cell set (about 100 ms per update on screen).
    setTableSizing(false);
    m_table->setRowCount(static_cast<int>(results.size()));
    for (int row = 0; row < static_cast<int>(results.size()); ++row) {
        const AlgorithmResult& result = results[static_cast<size_t>(row)];
        const QString name = QString::fromStdString(algorithmName(result.algorithm));
        const bool isRecommended = &result == recommended;
        auto cell = [&](int column, const QString& text) {
            auto* item = new QTableWidgetItem(text);
            if (isRecommended) {
                QFont bold = item->font();
                bold.setBold(true);
                item->setFont(bold);
            }
            if (column != AlgorithmColumn && column != FeasibleColumn && column != SearchColumn)
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            m_table->setItem(row, column, item);
            return item;
        };
        cell(AlgorithmColumn, isRecommended ? tr("%1 (recommended)").arg(name) : name)->setData(AlgorithmNameRole, name);
        if (!result.plan) {
            for (int column = EnergyColumn; column < ColumnCount; ++column)
                cell(column, "-");
            cell(FeasibleColumn, result.pending ? tr("...") : tr("no plan"))->setToolTip(result.message);
            if (result.pending)
                cell(SearchColumn, searchOutcome(result));
            continue;
        }
        const Plan& plan = *result.plan;
        cell(EnergyColumn, QString::number(plan.totalEnergyMj, 'f', 3));
        cell(SavingColumn, std::isfinite(plan.savingPercent) ? QString::number(plan.savingPercent, 'f', 2) : QStringLiteral("-"));
        cell(BatchesColumn, QString::number(plan.batches.size()));
        cell(FeasibleColumn, plan.feasible ? tr("yes") : tr("NO"));
        // The strongest bound in every row, the one its gap is measured against: a heuristic's own
        // cheap bound beside a gap to a stronger one read as a contradiction (32173 mJ, 13.67 %).
        QTableWidgetItem* boundCell =
            cell(BoundColumn, std::isfinite(m_lowerBoundMj) ? QString::number(m_lowerBoundMj, 'f', 3) : QStringLiteral("-"));
        if (std::isfinite(plan.lowerBoundMj) && plan.lowerBoundMj < m_lowerBoundMj)
            boundCell->setToolTip(
                tr("The strongest bound of all planners; %1's own is %2 mJ").arg(name).arg(plan.lowerBoundMj, 0, 'f', 3));
        cell(GapColumn, percentText(gapToBoundPercent(plan, m_lowerBoundMj)));
        const QString outcome = searchOutcome(result);
        cell(SearchColumn, outcome.isEmpty() ? QStringLiteral("-") : outcome)
            ->setToolTip(outcome.isEmpty() ? tr("a heuristic: no search, no proof")
                                           : tr("search ended: %1, after %2 ms")
                                                 .arg(QString::fromStdString(plan.searchEnd))
                                                 .arg(result.elapsedMs, 0, 'f', 1));
    }
    setTableSizing(true);
    fitTableHeight();
}

void ComparisonView::writeSummary(const std::vector<AlgorithmResult>& results, const AlgorithmResult* recommended)
{
    QStringList searching;
    for (const AlgorithmResult& result : results)
        if (result.pending)
            searching << QString::fromStdString(algorithmName(result.algorithm));
    QStringList summary;
    const QString nothing = nothingToChart(results);
    if (!nothing.isEmpty())
        summary << nothing;
    else if (recommended) {
        const double gap = gapToBoundPercent(*recommended->plan, m_lowerBoundMj);
        summary << tr("<b>Recommended: %1</b>, %2 mJ (%3 less than computing locally), %4.")
                       .arg(QString::fromStdString(algorithmName(recommended->algorithm)))
                       .arg(recommended->plan->totalEnergyMj, 0, 'f', 3)
                       .arg(percentText(recommended->plan->savingPercent))
                       .arg(recommended->plan->provenOptimal ? tr("proven optimal")
                            : std::isfinite(gap)             ? tr("at most %1 % above the optimum").arg(gap, 0, 'f', 2)
                                                             : tr("not proven optimal"));
    } else if (!results.empty() &&
               std::none_of(results.begin(), results.end(), [](const AlgorithmResult& r) { return r.pending; }))
        summary << tr("<b>No plan meets every deadline.</b>");
    if (nothing.isEmpty() && std::isfinite(m_lowerBoundMj))
        summary << tr("Lower bound %1 mJ: no plan that meets every deadline spends less.").arg(m_lowerBoundMj, 0, 'f', 3);
    if (!searching.isEmpty())
        summary << tr("%1 still searching...").arg(searching.join(tr(" and ")));
    // On a line of its own: it explains why the recommendation saves so little.
    const bool saturated = nothing.isEmpty() && !m_saturationMessage.isEmpty();
    m_summary->setText(summary.join(' ') + (saturated ? "<br>" + m_saturationMessage.toHtmlEscaped() : QString()));
}

QString ComparisonView::emptyMessage() const
{
    return m_chartOrMessage->currentWidget() == m_message ? m_message->text() : QString();
}

QString ComparisonView::nothingToChart(const std::vector<AlgorithmResult>& results)
{
    bool anyPlan = false, anyPending = false;
    for (const AlgorithmResult& result : results) {
        anyPending = anyPending || result.pending;
        if (!result.plan)
            continue;
        anyPlan = true;
        if (result.plan->users.empty())
            return tr("No users: add or generate users to compare plans.");
    }
    if (results.empty() || anyPending || anyPlan)
        return {};
    return tr("No plan meets every deadline: see the users marked in the table.");
}

void ComparisonView::drawChart(const std::vector<AlgorithmResult>& results, const AlgorithmResult* recommended)
{
    const QString nothing = nothingToChart(results);
    m_message->setText(nothing);
    m_chartOrMessage->setCurrentWidget(nothing.isEmpty() ? static_cast<QWidget*>(m_chart) : m_message);
    if (!nothing.isEmpty()) {
        m_chart->clear();
        m_chart->replot();
        return;
    }
    QVector<double> ticks, energies, lateTicks, lateEnergies, bestTicks, bestEnergies, allTicks;
    QVector<QString> labels;
    double top = 1;
    for (int row = 0; row < static_cast<int>(results.size()); ++row) {
        const AlgorithmResult& result = results[static_cast<size_t>(row)];
        const QString name = QString::fromStdString(algorithmName(result.algorithm));
        const double tick = static_cast<double>(row + 1);
        allTicks << tick;
        if (!result.plan) {
            labels << name + (result.pending ? tr("\n(searching)") : tr("\n(no plan)"));
            continue;
        }
        const Plan& plan = *result.plan;
        if (&result == recommended) {
            bestTicks << tick;
            bestEnergies << plan.totalEnergyMj;
        } else {
            (plan.feasible ? ticks : lateTicks) << tick;
            (plan.feasible ? energies : lateEnergies) << plan.totalEnergyMj;
        }
        top = std::max(top, plan.totalEnergyMj);
        labels << name + (plan.feasible ? "" : tr("\n(late)"));
    }

    m_chart->clear();
    auto addBars = [this](const QVector<double>& x, const QVector<double>& y, const QColor& colour, const QString& name) {
        m_chart->addBars({.name = name, .x = x, .y = y, .fill = colour, .inLegend = !x.isEmpty()});
    };
    addBars(ticks, energies, kFeasibleColour, tr("every deadline met"));
    addBars(bestTicks, bestEnergies, kRecommendedColour,
            recommended ? tr("%1 (recommended)").arg(QString::fromStdString(algorithmName(recommended->algorithm)))
                        : tr("recommended"));
    addBars(lateTicks, lateEnergies, kLateColour, tr("misses deadlines"));
    const double left = 0.3, right = static_cast<double>(labels.size()) + 0.7;
    if (std::isfinite(m_lowerBoundMj)) {
        m_chart->addLine({.name = tr("lower bound"),
                          .x = {left, right},
                          .y = {m_lowerBoundMj, m_lowerBoundMj},
                          .pen = QPen(kBoundColour, 2, Qt::DashLine)});
        top = std::max(top, m_lowerBoundMj);
    }
    m_chart->setKeyLabels(allTicks, labels);
    m_chart->setAxisRange(ChartAxis::Bottom, left, right);
    m_chart->setAxisRange(ChartAxis::Left, 0, top * 1.1);
    m_chart->replot();
}

void ComparisonView::setTableSizing(bool toContents)
{
    QHeaderView* columns = m_table->horizontalHeader();
    QHeaderView* rows = m_table->verticalHeader();
    if (!toContents) {
        columns->setSectionResizeMode(QHeaderView::Fixed);
        rows->setSectionResizeMode(QHeaderView::Fixed);
        return;
    }
    columns->setSectionResizeMode(QHeaderView::ResizeToContents);
    // The last column takes the width left and wraps its words, so the table never scrolls sideways.
    columns->setSectionResizeMode(SearchColumn, QHeaderView::Stretch);
    rows->setSectionResizeMode(QHeaderView::ResizeToContents);
}

void ComparisonView::fitTableHeight()
{
    // As tall as its rows, so that every planner is in view without scrolling; the chart takes the rest.
    const QScrollBar* sideways = m_table->horizontalScrollBar();
    m_table->setFixedHeight(m_table->horizontalHeader()->sizeHint().height() + m_table->verticalHeader()->length() +
                            2 * m_table->frameWidth() + (sideways->maximum() > 0 ? sideways->sizeHint().height() : 0));
}

Expected<void> ComparisonView::exportChart(const QString& path, int width, int height)
{
    return exportCharts({{"comparison", m_chart}}, path, width, height).transform([](const QStringList&) {}); // atomic
}

} // namespace coinfer

#include "core/planning/planner.h"
#include "core/planning/search.h"
#include "moc_comparisonview.cpp"
