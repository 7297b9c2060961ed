#include "widgets/planview.h"

#include "widgets/timelineview.h"

#include <QScrollArea>
#include <QSplitter>
#include <QVBoxLayout>

#include <qcustomplot.h>

#include <map>
#include <numeric>

namespace coinfer {

PlanView::PlanView(QWidget* parent)
    : QWidget(parent), m_energy(new QCustomPlot(this)), m_partitions(new QCustomPlot(this)), m_timeline(new TimelineView(this))
{
    auto* layout = new QVBoxLayout(this);
    auto* charts = new QSplitter(Qt::Horizontal, this);
    charts->addWidget(m_energy);
    charts->addWidget(m_partitions);
    charts->setSizes({700, 300});
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(m_timeline);
    scroll->setWidgetResizable(true);
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(charts);
    split->addWidget(scroll);
    layout->addWidget(split);
    m_energy->yAxis->setLabel(tr("Energy (mJ)"));
    m_energy->legend->setVisible(true);
    m_energy->legend->setFillOrder(QCPLegend::foColumnsFirst);
    m_energy->plotLayout()->addElement(1, 0, m_energy->legend); // below the bars, never over them
    m_energy->plotLayout()->setRowStretchFactor(1, 0.001);
    m_partitions->xAxis->setLabel(tr("Partition point p"));
    m_partitions->yAxis->setLabel(tr("Users"));
    connect(m_timeline, &TimelineView::userClicked, this, &PlanView::userClicked);
    connect(m_energy, &QCustomPlot::plottableClick, this, [this](QCPAbstractPlottable*, int index, QMouseEvent*) {
        if (index >= 0 && index < m_userCount)
            emit userClicked(index);
    });
}

void PlanView::showPlan(const Scenario& scenario, const Plan& plan)
{
    m_userCount = static_cast<int>(plan.users.size());
    QVector<double> x, compute, upload, local;
    QVector<QString> names;
    std::map<int, int> histogram;
    for (int m = 0; m < m_userCount; ++m) {
        const User& user = scenario.users[static_cast<size_t>(m)];
        const UserOutcome& outcome = plan.users[static_cast<size_t>(m)];
        const double computeMj = std::accumulate(user.localEnergyMj.begin(), user.localEnergyMj.begin() + outcome.partition, 0.0);
        x << m;
        compute << computeMj;
        upload << outcome.energyMj - computeMj;
        local << std::accumulate(user.localEnergyMj.begin(), user.localEnergyMj.end(), 0.0);
        names << QString::fromStdString(user.id);
        ++histogram[outcome.partition];
    }
    m_energy->clearPlottables();
    auto* computeBars = new QCPBars(m_energy->xAxis, m_energy->yAxis);
    auto* uploadBars = new QCPBars(m_energy->xAxis, m_energy->yAxis);
    auto* localBars = new QCPBars(m_energy->xAxis, m_energy->yAxis);
    computeBars->setName(tr("plan: computing"));
    uploadBars->setName(tr("plan: uploading"));
    localBars->setName(tr("local only"));
    computeBars->setBrush(QColor(120, 170, 90));
    uploadBars->setBrush(QColor(230, 160, 60));
    localBars->setBrush(QColor(190, 190, 190));
    uploadBars->moveAbove(computeBars);
    auto* group = new QCPBarsGroup(m_energy);
    computeBars->setBarsGroup(group);
    localBars->setBarsGroup(group);
    computeBars->setData(x, compute);
    uploadBars->setData(x, upload);
    localBars->setData(x, local);
    for (QCPBars* bars : {computeBars, uploadBars, localBars})
        bars->setWidth(0.4);
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    ticker->addTicks(x, names);
    m_energy->xAxis->setTicker(ticker);
    m_energy->xAxis->setTickLabelRotation(m_userCount > 12 ? 60 : 0);
    m_energy->xAxis->setRange(-0.7, m_userCount - 0.3);
    m_energy->rescaleAxes(true);
    m_energy->yAxis->setRangeLower(0);
    m_energy->replot();

    m_partitions->clearPlottables();
    auto* counts = new QCPBars(m_partitions->xAxis, m_partitions->yAxis);
    QVector<double> px, py;
    for (int p = 0; p <= scenario.dnn.subtaskCount(); ++p) {
        px << p;
        py << histogram[p];
    }
    counts->setData(px, py);
    counts->setBrush(QColor(70, 130, 180));
    m_partitions->rescaleAxes();
    m_partitions->xAxis->setRange(-0.7, scenario.dnn.subtaskCount() + 0.7);
    m_partitions->yAxis->setRange(0, std::max(1.0, *std::max_element(py.begin(), py.end())) * 1.15);
    m_partitions->replot();

    m_timeline->setModel(TimelineModel(scenario, plan));
}

void PlanView::selectUser(int user)
{
    m_timeline->selectUser(user);
    if (!m_energy->plottableCount())
        return;
    for (int i = 0; i < m_energy->plottableCount(); ++i) {
        auto* bars = qobject_cast<QCPBars*>(m_energy->plottable(i));
        if (!bars)
            continue;
        QCPDataSelection selection;
        if (user >= 0)
            selection.addDataRange(QCPDataRange(user, user + 1));
        bars->setSelection(selection);
    }
    m_energy->replot();
}

} // namespace coinfer
