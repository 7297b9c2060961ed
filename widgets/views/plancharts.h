#pragma once
// The charts of one plan, above its timeline. A chooser picks what the left chart shows:
// per-user energy against computing locally (split into computing and uploading) for a few
// dozen users, and at any size the users ranked by what they save, energy by deadline class
// and by device class, and the GPU's busy fraction over time. The partition points stand
// beside it as a histogram.

#include "core/model/plan.h"
#include "core/model/scenario.h"
#include "widgets/views/planaggregates.h"

#include <QObject>
#include <QString>
#include <QWidget>

#include <utility>
#include <vector>

class QComboBox;
class QLabel;
class QStackedWidget;

namespace coinfer {

class ChartView;

class PlanCharts : public QWidget {
    Q_OBJECT

public:
    /// Past this many users per-user bars would be a smear: the aggregate views take over.
    static constexpr int kPerUserBarLimit = 40;

    /// The charts the chooser offers, in its order.
    enum class View { EnergyPerUser, SavingRanked, EnergyByDeadline, EnergyByDevice, GpuUtilisation };

    explicit PlanCharts(QWidget* parent = nullptr);

    /// Shows @p plan of @p scenario. O(M log M + M x N + B); no per-user bars past
    /// kPerUserBarLimit users.
    void showPlan(const Scenario& scenario, const Plan& plan);
    /// Marks one user in every chart (-1: none), by an outline: every fill keeps its colour.
    void selectUser(int user);
    /// The chart of @p view.
    ChartView* chart(View view) const;
    /// The chart shown now on the left.
    View currentView() const;
    /// Shows @p view on the left (ignored when it is not offered, as per-user bars past the limit).
    void setCurrentView(View view);
    /// The sentence shown instead of the charts when the plan has no users; empty otherwise.
    QString emptyMessage() const;
    /// Whether @p view is offered for the plan shown.
    bool offers(View view) const;
    ChartView* energyChart() const { return chart(View::EnergyPerUser); }
    ChartView* partitionChart() const { return m_partitions; }
    /// Every chart with data, with a short name for its file (File > Export charts).
    std::vector<std::pair<QString, ChartView*>> namedCharts() const;
    /// The charts the PDF report prints for this plan: per-user bars for a few users, the
    /// aggregate views past kPerUserBarLimit.
    std::vector<const ChartView*> reportCharts() const;

signals:
    void userClicked(int user);

private:
    void showEnergyPerUser();
    void showSavingRanked();
    /// Stacked computing and uploading beside local only, one group per class.
    void showClasses(ChartView* chart, const std::vector<EnergyClass>& classes, const QString& axisLabel);
    void showGpuUtilisation(const Plan& plan);
    void showPartitions(const Scenario& scenario, const Plan& plan);
    void offerViews();

    QStackedWidget* m_chartsOrMessage;
    QLabel* m_message; ///< what the page says instead of charts: no plan yet, or no users
    QComboBox* m_chooser;
    QStackedWidget* m_stack;
    std::vector<ChartView*> m_views; ///< by View
    ChartView* m_partitions;
    std::vector<UserEnergy> m_energies;
    std::vector<QString> m_userIds;
    SavingRanking m_ranking;
    std::vector<int> m_deadlineClassOfUser, m_deviceClassOfUser;
    int m_userCount = 0;
    int m_selectedUser = -1; ///< marked again when the next plan is shown
};

} // namespace coinfer
