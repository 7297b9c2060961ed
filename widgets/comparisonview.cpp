#include "widgets/comparisonview.h"

#include "widgets/chartexport.h"

#include <QHeaderView>
#include <QSharedPointer>
#include <QTableWidget>
#include <QVBoxLayout>

#include <qcustomplot.h>

#include <cmath>

namespace coinfer {

ComparisonView::ComparisonView(QWidget* parent)
    : QWidget(parent), m_table(new QTableWidget(this)), m_chart(new QCustomPlot(this))
{
    auto* layout = new QVBoxLayout(this);
    m_table->setColumnCount(6);
    m_table->setHorizontalHeaderLabels({tr("Algorithm"), tr("Energy (mJ)"), tr("Saving (%)"), tr("Batches"), tr("Feasible"), tr("Gap to exact")});
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    layout->addWidget(m_table, 1);
    m_chart->setMinimumHeight(220);
    m_chart->yAxis->setLabel(tr("Total user energy (mJ)"));
    layout->addWidget(m_chart, 2);
}

void ComparisonView::showResults(const std::vector<AlgorithmResult>& results)
{
    m_table->setRowCount(static_cast<int>(results.size()));
    double exactMj = NAN;
    for (const AlgorithmResult& result : results)
        if (result.algorithm == Algorithm::Exact && result.plan && result.plan->feasible)
            exactMj = result.plan->totalEnergyMj;
    QVector<double> ticks, energies, lateTicks, lateEnergies;
    QVector<QString> labels;
    for (int row = 0; row < static_cast<int>(results.size()); ++row) {
        const AlgorithmResult& result = results[static_cast<size_t>(row)];
        const QString name = QString::fromStdString(algorithmName(result.algorithm));
        auto cell = [&](int column, const QString& text) { m_table->setItem(row, column, new QTableWidgetItem(text)); };
        cell(0, name);
        if (!result.plan) {
            cell(1, "-");
            cell(2, "-");
            cell(3, "-");
            cell(4, result.message.contains("at most") ? tr("too big") : tr("no plan"));
            cell(5, "-");
            m_table->item(row, 4)->setToolTip(result.message);
            continue;
        }
        const Plan& plan = *result.plan;
        cell(1, QString::number(plan.totalEnergyMj, 'f', 3));
        cell(2, QString::number(plan.savingPercent, 'f', 2));
        cell(3, QString::number(plan.batches.size()));
        cell(4, plan.feasible ? tr("yes") : tr("NO"));
        cell(5, std::isfinite(exactMj) && plan.feasible ? QString::number(100.0 * (plan.totalEnergyMj / exactMj - 1.0), 'f', 2) + " %" : "-");
        const double tick = static_cast<double>(labels.size() + 1);
        (plan.feasible ? ticks : lateTicks) << tick;
        (plan.feasible ? energies : lateEnergies) << plan.totalEnergyMj;
        labels << name + (plan.feasible ? "" : " (late)");
    }
    m_chart->clearPlottables();
    auto* bars = new QCPBars(m_chart->xAxis, m_chart->yAxis);
    bars->setData(ticks, energies);
    bars->setBrush(QColor(70, 130, 180));
    bars->setName(tr("every deadline met"));
    auto* late = new QCPBars(m_chart->xAxis, m_chart->yAxis);
    late->setData(lateTicks, lateEnergies);
    late->setBrush(QColor(200, 200, 200));
    late->setName(tr("misses deadlines"));
    QVector<double> allTicks;
    for (int i = 1; i <= labels.size(); ++i)
        allTicks << i;
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    ticker->addTicks(allTicks, labels);
    m_chart->xAxis->setTicker(ticker);
    m_chart->xAxis->setRange(0.3, static_cast<double>(labels.size()) + 0.7);
    m_chart->legend->setVisible(true);
    double top = 1;
    for (double e : energies + lateEnergies)
        top = std::max(top, e);
    m_chart->yAxis->setRange(0, top * 1.1);
    m_chart->replot();
}

bool ComparisonView::exportChart(const QString& path, int width, int height)
{
    return coinfer::exportChart(m_chart, path, width, height);
}

} // namespace coinfer
