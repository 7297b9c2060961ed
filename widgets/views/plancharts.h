#pragma once
// The charts of one plan, above its timeline: per-user energy against computing locally (split
// into computing and uploading) and the partition points as a histogram.

#include "core/model/plan.h"
#include "core/model/scenario.h"

#include <QString>
#include <QWidget>

#include <utility>
#include <vector>

namespace coinfer {

class ChartView;

class PlanCharts : public QWidget {
    Q_OBJECT

public:
    explicit PlanCharts(QWidget* parent = nullptr);

    /// Shows @p plan of @p scenario. O(M + N).
    void showPlan(const Scenario& scenario, const Plan& plan);
    /// Marks one user in every chart (-1: none).
    void selectUser(int user);
    ChartView* energyChart() const { return m_energy; }
    ChartView* partitionChart() const { return m_partitions; }
    /// Every chart shown, with a short name for its file (File > Export charts).
    std::vector<std::pair<QString, ChartView*>> namedCharts() const;
    /// The charts the PDF report prints for this plan.
    std::vector<const ChartView*> reportCharts() const;

signals:
    void userClicked(int user);

private:
    void showEnergy(const Scenario& scenario, const Plan& plan);
    void showPartitions(const Scenario& scenario, const Plan& plan);

    ChartView* m_energy;
    ChartView* m_partitions;
    int m_userCount = 0;
};

} // namespace coinfer
