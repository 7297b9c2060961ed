#include "widgets/views/plancharts.h"

#include "widgets/charts/chartview.h"
#include "widgets/charts/palette.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QList>
#include <QPen>
#include <QSizePolicy>
#include <QSplitter>
#include <QStackedWidget>
#include <QVBoxLayout>
#include <QVariant>
#include <QVector>
#include <Qt>

#include <algorithm>
#include <cstddef>
#include <map>

namespace coinfer {
namespace {

constexpr int kViewCount = 5;

QString viewName(PlanCharts::View view)
{
    switch (view) {
    case PlanCharts::View::EnergyPerUser:
        return PlanCharts::tr("Energy per user");
    case PlanCharts::View::SavingRanked:
        return PlanCharts::tr("Saving per user, ranked");
    case PlanCharts::View::EnergyByDeadline:
        return PlanCharts::tr("Energy by deadline class");
    case PlanCharts::View::EnergyByDevice:
        return PlanCharts::tr("Energy by device class");
    case PlanCharts::View::GpuUtilisation:
        return PlanCharts::tr("GPU utilisation over time");
    }
    return {};
}

QString fileName(PlanCharts::View view)
{
    switch (view) {
    case PlanCharts::View::EnergyPerUser:
        return QStringLiteral("energy");
    case PlanCharts::View::SavingRanked:
        return QStringLiteral("saving-ranked");
    case PlanCharts::View::EnergyByDeadline:
        return QStringLiteral("energy-by-deadline");
    case PlanCharts::View::EnergyByDevice:
        return QStringLiteral("energy-by-device");
    case PlanCharts::View::GpuUtilisation:
        return QStringLiteral("gpu-utilisation");
    }
    return {};
}

} // namespace

PlanCharts::PlanCharts(QWidget* parent)
    : QWidget(parent)
    , m_chartsOrMessage(new QStackedWidget(this))
    , m_chooser(new QComboBox(this))
    , m_stack(new QStackedWidget(this))
    , m_partitions(new ChartView(this))
{
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* left = new QWidget(this);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->setSpacing(2);
    auto* chooserRow = new QHBoxLayout;
    chooserRow->addWidget(new QLabel(tr("Chart:"), left));
    m_chooser->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    chooserRow->addWidget(m_chooser);
    auto* hint = new QLabel(tr("drag: pan, wheel: zoom, Ctrl+drag: box, double-click: fit"), left);
    hint->setToolTip(tr("Drag to pan, turn the wheel to zoom, Ctrl+drag to zoom to a box, double-click or Home to fit, "
                        "hover for values, click a legend entry to hide or show its series"));
    hint->setEnabled(false); // a hint, in the palette's disabled text colour
    hint->setMinimumWidth(0);
    hint->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred); // cut rather than widen the page
    chooserRow->addWidget(hint, 1);
    leftLayout->addLayout(chooserRow);
    leftLayout->addWidget(m_stack, 1);
    for (int view = 0; view < kViewCount; ++view) {
        auto* chart = new ChartView(m_stack);
        m_views.push_back(chart);
        m_stack->addWidget(chart);
    }
    auto* charts = new QSplitter(Qt::Horizontal, this);
    charts->addWidget(left);
    charts->addWidget(m_partitions);
    charts->setStretchFactor(0, 3);
    charts->setStretchFactor(1, 1);
    m_partitions->setMinimumWidth(180); // room for a tick per partition point
    charts->setSizes({700, 300});
    m_chartsOrMessage->addWidget(charts);
    m_message = new QLabel(tr("No plan yet: the charts appear once the scenario is planned."), m_chartsOrMessage);
    m_message->setAlignment(Qt::AlignCenter);
    m_message->setWordWrap(true);
    m_chartsOrMessage->addWidget(m_message);
    m_chartsOrMessage->setCurrentWidget(m_message); // until a plan comes: a sentence, never empty axes
    layout->addWidget(m_chartsOrMessage);

    ChartView* perUser = chart(View::EnergyPerUser);
    perUser->setAxisLabel(ChartAxis::Left, tr("Energy (mJ)"));
    perUser->setLegend(LegendPlacement::Below);
    ChartView* saving = chart(View::SavingRanked);
    saving->setAxisLabel(ChartAxis::Bottom, tr("Users, ranked by saving"));
    saving->setAxisLabel(ChartAxis::Left, tr("Saved vs local (mJ)"));
    saving->setIntegerTicks(ChartAxis::Bottom);
    chart(View::EnergyByDeadline)->setAxisLabel(ChartAxis::Left, tr("Energy (mJ)"));
    chart(View::EnergyByDeadline)->setLegend(LegendPlacement::Below);
    chart(View::EnergyByDevice)->setAxisLabel(ChartAxis::Left, tr("Energy (mJ)"));
    chart(View::EnergyByDevice)->setLegend(LegendPlacement::Below);
    ChartView* gpu = chart(View::GpuUtilisation);
    gpu->setAxisLabel(ChartAxis::Bottom, tr("Time (ms)"));
    gpu->setAxisLabel(ChartAxis::Left, tr("GPU busy (%)"));
    gpu->setAxisLabel(ChartAxis::Right, tr("Users per batch"));
    gpu->setIntegerTicks(ChartAxis::Right);
    gpu->setLegend(LegendPlacement::Below);
    m_partitions->setAxisLabel(ChartAxis::Bottom, tr("Partition point p"));
    m_partitions->setAxisLabel(ChartAxis::Left, tr("Users"));
    m_partitions->setIntegerTicks(ChartAxis::Bottom);
    m_partitions->setIntegerTicks(ChartAxis::Left);

    connect(perUser, &ChartView::dataClicked, this, [this](int index) {
        if (index >= 0 && index < m_userCount)
            emit userClicked(index);
    });
    connect(saving, &ChartView::dataClicked, this, [this](int rank) {
        if (rank >= 0 && rank < static_cast<int>(m_ranking.userAtRank.size()))
            emit userClicked(m_ranking.userAtRank[static_cast<size_t>(rank)]);
    });
    connect(m_chooser, &QComboBox::currentIndexChanged, this, [this](int index) {
        if (index >= 0)
            m_stack->setCurrentIndex(m_chooser->itemData(index).toInt());
    });
    offerViews();
}

ChartView* PlanCharts::chart(View view) const
{
    return m_views[static_cast<size_t>(view)];
}

PlanCharts::View PlanCharts::currentView() const
{
    return static_cast<View>(m_stack->currentIndex());
}

QString PlanCharts::emptyMessage() const
{
    const auto* message = qobject_cast<const QLabel*>(m_chartsOrMessage->currentWidget());
    return message ? message->text() : QString();
}

bool PlanCharts::offers(View view) const
{
    return view != View::EnergyPerUser || m_userCount <= kPerUserBarLimit;
}

void PlanCharts::setCurrentView(View view)
{
    const int index = m_chooser->findData(static_cast<int>(view));
    if (index >= 0)
        m_chooser->setCurrentIndex(index);
}

void PlanCharts::offerViews()
{
    // A chart once chosen stays chosen while it is offered; past the limit the ranking replaces the bars.
    const View chosen = m_chooser->count() ? currentView() : View::EnergyPerUser;
    m_chooser->blockSignals(true);
    m_chooser->clear();
    for (int view = 0; view < kViewCount; ++view)
        if (offers(static_cast<View>(view)))
            m_chooser->addItem(viewName(static_cast<View>(view)), view);
    m_chooser->blockSignals(false);
    const View shown = offers(chosen) ? chosen : View::SavingRanked;
    m_chooser->setCurrentIndex(m_chooser->findData(static_cast<int>(shown)));
    m_stack->setCurrentIndex(static_cast<int>(shown));
}

std::vector<std::pair<QString, ChartView*>> PlanCharts::namedCharts() const
{
    std::vector<std::pair<QString, ChartView*>> named;
    for (int view = 0; view < kViewCount; ++view)
        if (offers(static_cast<View>(view)))
            named.emplace_back(fileName(static_cast<View>(view)), chart(static_cast<View>(view)));
    named.emplace_back(QStringLiteral("partitions"), m_partitions);
    return named;
}

std::vector<const ChartView*> PlanCharts::reportCharts() const
{
    if (m_userCount <= kPerUserBarLimit)
        return {chart(View::EnergyPerUser), m_partitions};
    return {chart(View::SavingRanked), chart(View::EnergyByDeadline), chart(View::EnergyByDevice), chart(View::GpuUtilisation)};
}

void PlanCharts::showPlan(const Scenario& scenario, const Plan& plan)
{
    m_userCount = static_cast<int>(std::min(plan.users.size(), scenario.users.size()));
    m_energies = userEnergies(scenario, plan);
    m_energies.resize(static_cast<size_t>(m_userCount));
    m_userIds.clear();
    m_userIds.reserve(static_cast<size_t>(m_userCount));
    for (int m = 0; m < m_userCount; ++m)
        m_userIds.push_back(QString::fromStdString(scenario.users[static_cast<size_t>(m)].id));
    m_ranking = rankBySaving(m_energies);
    m_message->setText(tr("No users: add or generate users to see the plan's charts."));
    m_chartsOrMessage->setCurrentIndex(m_userCount == 0 ? 1 : 0); // a sentence, never empty axes
    offerViews();
    showEnergyPerUser();
    showSavingRanked();
    showClasses(chart(View::EnergyByDeadline), energyByDeadline(scenario, m_energies, m_deadlineClassOfUser),
                tr("Deadline class (energy summed over its users)"));
    showClasses(chart(View::EnergyByDevice), energyByDeviceClass(scenario, m_energies, m_deviceClassOfUser),
                tr("Device class (energy summed over its users)"));
    showGpuUtilisation(plan);
    showPartitions(scenario, plan);
    selectUser(m_selectedUser); // drawing a plan clears the marks; the chosen user stays chosen
}

void PlanCharts::showEnergyPerUser()
{
    ChartView* energy = chart(View::EnergyPerUser);
    energy->clear();
    if (!offers(View::EnergyPerUser)) {
        energy->replot();
        return; // never drawn past the limit: no 10,000 bars on the GUI thread
    }
    QVector<double> x, compute, upload, local;
    QVector<QString> names;
    for (int m = 0; m < m_userCount; ++m) {
        const UserEnergy& user = m_energies[static_cast<size_t>(m)];
        x << m;
        compute << user.computingMj;
        upload << user.uploadingMj;
        local << user.localMj;
        names << m_userIds[static_cast<size_t>(m)];
    }
    // Uploading stacks on computing; the plan's stack and computing locally stand side by side.
    const int computeBars = energy->addBars(
        {.name = tr("plan: computing"), .x = x, .y = compute, .fill = palette::localComputing(), .width = 0.4, .group = 0});
    energy->addBars({.name = tr("plan: uploading"),
                     .x = x,
                     .y = upload,
                     .fill = palette::uploading(),
                     .width = 0.4,
                     .stackedOn = computeBars});
    energy->addBars({.name = tr("local only"), .x = x, .y = local, .fill = palette::localOnly(), .width = 0.4, .group = 0});
    energy->setKeyLabels(x, names, m_userCount > 12 ? 60 : 0);
    energy->fitAxesToData();
    energy->setAxisRange(ChartAxis::Bottom, -0.7, m_userCount - 0.3); // after the fit: a whole group at each end
    energy->setAxisLower(ChartAxis::Left, 0);
    energy->replot();
}

void PlanCharts::showSavingRanked()
{
    ChartView* saving = chart(View::SavingRanked);
    saving->clear();
    QVector<double> rank, savedMj;
    rank.reserve(m_userCount);
    savedMj.reserve(m_userCount);
    for (int r = 0; r < m_userCount; ++r) {
        rank << r + 1;
        savedMj << m_ranking.savingMj[static_cast<size_t>(r)];
    }
    const bool few = m_userCount <= 200; // a marker per user while the markers stay apart
    saving->addLine({.name = tr("saved vs computing locally"),
                     .x = rank,
                     .y = savedMj,
                     .pen = QPen(palette::edgeComputing(), 2),
                     .marker = few ? PointMarker::Disc : PointMarker::None,
                     .markerSize = 5});
    saving->fitAxesToData();
    saving->setAxisRange(ChartAxis::Bottom, 0.5, std::max(1, m_userCount) + 0.5);
    const auto [low, high] = saving->axisRange(ChartAxis::Left);
    const double margin = std::max(1e-6, (high - low) * 0.05);
    saving->setAxisRange(ChartAxis::Left, std::min(0.0, low - margin), std::max(0.0, high) + margin);
    saving->replot();
}

void PlanCharts::showClasses(ChartView* chart, const std::vector<EnergyClass>& classes, const QString& axisLabel)
{
    chart->clear();
    QVector<double> x, compute, upload, local;
    QVector<QString> labels;
    for (size_t i = 0; i < classes.size(); ++i) {
        x << static_cast<double>(i);
        compute << classes[i].computingMj;
        upload << classes[i].uploadingMj;
        local << classes[i].localMj;
        const QString users = classes[i].users == 1 ? tr("1 user") : tr("%1 users").arg(classes[i].users);
        labels << QString::fromStdString(classes[i].label) + '\n' + users;
    }
    const int computeBars = chart->addBars(
        {.name = tr("plan: computing"), .x = x, .y = compute, .fill = palette::localComputing(), .width = 0.4, .group = 0});
    chart->addBars({.name = tr("plan: uploading"),
                    .x = x,
                    .y = upload,
                    .fill = palette::uploading(),
                    .width = 0.4,
                    .stackedOn = computeBars});
    chart->addBars({.name = tr("local only"), .x = x, .y = local, .fill = palette::localOnly(), .width = 0.4, .group = 0});
    chart->setAxisLabel(ChartAxis::Bottom, axisLabel);
    chart->setKeyLabels(x, labels, classes.size() > 6 ? 30 : 0);
    chart->fitAxesToData();
    chart->setAxisRange(ChartAxis::Bottom, -0.7, static_cast<double>(std::max<size_t>(1, classes.size())) - 0.3);
    chart->setAxisRange(ChartAxis::Left, 0, std::max(1e-6, chart->axisRange(ChartAxis::Left).second * 1.08));
    chart->replot();
}

void PlanCharts::showGpuUtilisation(const Plan& plan)
{
    ChartView* gpu = chart(View::GpuUtilisation);
    gpu->clear();
    const GpuUtilisation utilisation = gpuUtilisation(plan);
    QVector<double> binMiddleMs, busyPercent, batchStartMs, batchSize;
    for (size_t bin = 0; bin < utilisation.busyFraction.size(); ++bin) {
        binMiddleMs << (static_cast<double>(bin) + 0.5) * utilisation.binMs;
        busyPercent << 100 * utilisation.busyFraction[bin];
    }
    for (size_t batch = 0; batch < utilisation.batchSize.size(); ++batch) {
        batchStartMs << utilisation.batchStartMs[batch];
        batchSize << utilisation.batchSize[batch];
    }
    gpu->addBars({.name = tr("GPU busy"),
                  .x = binMiddleMs,
                  .y = busyPercent,
                  .fill = palette::gpuBatch(),
                  .outlined = false,
                  .width = std::max(1e-9, utilisation.binMs * 1.02)}); // a hair wider: no seams between bins
    gpu->addLine({.name = tr("users per batch (at its start)"),
                  .x = batchStartMs,
                  .y = batchSize,
                  .pen = QPen(palette::uploading()),
                  .join = LineJoin::None,
                  .marker = PointMarker::Disc,
                  .markerSize = 5,
                  .valueAxis = ChartAxis::Right});
    // A margin of 2% each side, so that a batch marker at the first or last moment is whole.
    const double endMs = std::max(1.0, utilisation.binMs * static_cast<double>(utilisation.busyFraction.size()));
    gpu->setAxisRange(ChartAxis::Bottom, -0.02 * endMs, 1.02 * endMs);
    gpu->setAxisRange(ChartAxis::Left, 0, 105);
    const int largest =
        utilisation.batchSize.empty() ? 1 : *std::max_element(utilisation.batchSize.begin(), utilisation.batchSize.end());
    gpu->setAxisRange(ChartAxis::Right, 0, largest * 1.1 + 0.5);
    gpu->setNote(plan.batches.empty() ? tr("No GPU batch:\nevery user computes locally") : QString());
    gpu->replot();
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
    m_partitions->setAxisRange(ChartAxis::Left, 0,
                               std::max(1.0, py.isEmpty() ? 1.0 : *std::max_element(py.begin(), py.end())) * 1.15);
    m_partitions->replot();
}

void PlanCharts::selectUser(int user)
{
    m_selectedUser = user;
    const bool known = user >= 0 && user < m_userCount;
    if (!known) {
        for (ChartView* view : m_views)
            view->clearMark();
        return;
    }
    if (offers(View::EnergyPerUser))
        chart(View::EnergyPerUser)->highlightBars(user);
    chart(View::SavingRanked)->markKey(m_ranking.rankOfUser[static_cast<size_t>(user)] + 1, 0);
    if (static_cast<size_t>(user) < m_deadlineClassOfUser.size())
        chart(View::EnergyByDeadline)->markKey(m_deadlineClassOfUser[static_cast<size_t>(user)], 0.9);
    if (static_cast<size_t>(user) < m_deviceClassOfUser.size())
        chart(View::EnergyByDevice)->markKey(m_deviceClassOfUser[static_cast<size_t>(user)], 0.9);
}

} // namespace coinfer

#include "moc_plancharts.cpp"
