#include "widgets/views/plancharts.h"

#include "widgets/charts/chartview.h"
#include "widgets/charts/palette.h"

#include <QSplitter>

#include <algorithm>
#include <map>
#include <numeric>

namespace coinfer {

PlanCharts::PlanCharts(QWidget* parent)
    : QWidget(parent), m_energy(new ChartView(this)), m_partitions(new ChartView(this))
{
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* charts = new QSplitter(Qt::Horizontal, this);
    charts->addWidget(m_energy);
    charts->addWidget(m_partitions);
    charts->setSizes({700, 300});
    layout->addWidget(charts);
    m_energy->setAxisLabel(ChartAxis::Left, tr("Energy (mJ)"));
    m_energy->setLegend(LegendPlacement::Below);
    m_partitions->setAxisLabel(ChartAxis::Bottom, tr("Partition point p"));
    m_partitions->setAxisLabel(ChartAxis::Left, tr("Users"));
    connect(m_energy, &ChartView::dataClicked, this, [this](int index) {
        if (index >= 0 && index < m_userCount)
            emit userClicked(index);
    });
}

std::vector<std::pair<QString, ChartView*>> PlanCharts::namedCharts() const
{
    return {{QStringLiteral("energy"), m_energy}, {QStringLiteral("partitions"), m_partitions}};
}

std::vector<const ChartView*> PlanCharts::reportCharts() const
{
    return {m_energy};
}

void PlanCharts::showPlan(const Scenario& scenario, const Plan& plan)
{
    m_userCount = static_cast<int>(plan.users.size());
    showEnergy(scenario, plan);
    showPartitions(scenario, plan);
}

void PlanCharts::showEnergy(const Scenario& scenario, const Plan& plan)
{
    QVector<double> x, compute, upload, local;
    QVector<QString> names;
    for (int m = 0; m < m_userCount; ++m) {
        const User& user = scenario.users[static_cast<size_t>(m)];
        const UserOutcome& outcome = plan.users[static_cast<size_t>(m)];
        const double computeMj = std::accumulate(user.localEnergyMj.begin(), user.localEnergyMj.begin() + outcome.partition, 0.0);
        x << m;
        compute << computeMj;
        upload << outcome.energyMj - computeMj;
        local << std::accumulate(user.localEnergyMj.begin(), user.localEnergyMj.end(), 0.0);
        names << QString::fromStdString(user.id);
    }
    // Uploading stacks on computing; the plan's stack and computing locally stand side by side.
    m_energy->clear();
    const int computeBars = m_energy->addBars({.name = tr("plan: computing"), .x = x, .y = compute, .fill = palette::localComputing(), .width = 0.4, .group = 0});
    m_energy->addBars({.name = tr("plan: uploading"), .x = x, .y = upload, .fill = palette::uploading(), .width = 0.4, .stackedOn = computeBars});
    m_energy->addBars({.name = tr("local only"), .x = x, .y = local, .fill = palette::localOnly(), .width = 0.4, .group = 0});
    m_energy->setKeyLabels(x, names, m_userCount > 12 ? 60 : 0);
    m_energy->setAxisRange(ChartAxis::Bottom, -0.7, m_userCount - 0.3);
    m_energy->fitAxesToData();
    m_energy->setAxisLower(ChartAxis::Left, 0);
    m_energy->replot();
}

void PlanCharts::showPartitions(const Scenario& scenario, const Plan& plan)
{
    std::map<int, int> histogram;
    for (const UserOutcome& outcome : plan.users)
        ++histogram[outcome.partition];
    QVector<double> px, py;
    for (int p = 0; p <= scenario.dnn.subtaskCount(); ++p) {
        px << p;
        py << histogram[p];
    }
    m_partitions->clear();
    m_partitions->addBars({.x = px, .y = py, .fill = palette::edgeComputing()});
    m_partitions->fitAxesToData();
    m_partitions->setAxisRange(ChartAxis::Bottom, -0.7, scenario.dnn.subtaskCount() + 0.7);
    m_partitions->setAxisRange(ChartAxis::Left, 0, std::max(1.0, *std::max_element(py.begin(), py.end())) * 1.15);
    m_partitions->replot();
}

void PlanCharts::selectUser(int user)
{
    m_energy->highlightBars(user);
}

} // namespace coinfer

#include "moc_plancharts.cpp"
