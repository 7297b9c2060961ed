#pragma once
// The comparison of planners: a line naming the recommended plan and the strongest lower bound
// (and, when the GPU caps the saving, a sentence that says so with the largest saving possible),
// a table (energy, saving, batches, feasibility, lower bound, gap to the bound, how the search
// ended) and a bar chart of total energy with the bound as a dashed line. The chart reads the
// results through this one class only.

#include "core/model/plan.h"
#include "core/planning/saturation.h"
#include "core/util/expected.h"
#include "widgets/document/planrunner.h"

#include <QObject>
#include <QString>
#include <QWidget>
#include <Qt>

#include <cmath>
#include <optional>
#include <vector>

class QLabel;
class QStackedWidget;
class QTableWidget;

namespace coinfer {

class ChartView;

class ComparisonView : public QWidget {
    Q_OBJECT

public:
    /// The plan to recommend: best, unless another feasible plan in @p results spends less
    /// (ties go to best). Null when none is feasible.
    static const AlgorithmResult* recommendedResult(const std::vector<AlgorithmResult>& results);

    /// The table's columns.
    enum Column {
        AlgorithmColumn,
        EnergyColumn,
        SavingColumn,
        BatchesColumn,
        FeasibleColumn,
        BoundColumn,
        GapColumn,
        SearchColumn,
        ColumnCount
    };
    /// Item data role of the Algorithm cell that holds the command-line name ("best").
    static constexpr int AlgorithmNameRole = Qt::UserRole + 1;

    explicit ComparisonView(QWidget* parent = nullptr);

    /// Shows @p results (pending ones as "searching...") and, when @p saturation says the GPU
    /// caps the saving, that sentence below the recommendation. O(number of results).
    void showResults(const std::vector<AlgorithmResult>& results, const std::optional<GpuSaturation>& saturation = std::nullopt);
    /// Saves the chart as PNG, JPEG, PDF or SVG by extension; an Io error saying why on failure.
    Expected<void> exportChart(const QString& path, int width = 900, int height = 500);
    QTableWidget* table() const { return m_table; }
    ChartView* chart() const { return m_chart; }
    /// The sentence shown instead of the chart when there is nothing to chart (no users, or no
    /// planner found a plan); empty while the chart shows.
    QString emptyMessage() const;
    /// The line above the table: the recommended plan and the lower bound, in words.
    QLabel* summary() const { return m_summary; }
    /// The sentence that says the GPU caps the saving ("The GPU is saturated: no plan can save
    /// more than 2.86 % ..."), as the summary shows it; empty when the GPU is not the limit.
    QString saturationMessage() const { return m_saturationMessage; }
    /// The strongest lower bound of the results shown (NaN when none): no plan spends less.
    double lowerBoundMj() const { return m_lowerBoundMj; }

    /// The largest proven lower bound among @p results (NaN when none has one).
    static double strongestBoundMj(const std::vector<AlgorithmResult>& results);
    /// 100 x (energy - bound) / bound for a feasible @p plan; NaN when infeasible or unbounded.
    static double gapToBoundPercent(const Plan& plan, double boundMj);
    /// How a search ended, in words ("proven optimal", "stopped at 1.5 s, not proven"); empty
    /// for a planner that does not search.
    static QString searchOutcome(const AlgorithmResult& result);

private:
    /// Sections sized to their contents (true), or fixed while the table is being filled.
    void setTableSizing(bool toContents);
    void fitTableHeight();
    /// Fills the table with @p results, the @p recommended row in bold. O(results).
    void fillTable(const std::vector<AlgorithmResult>& results, const AlgorithmResult* recommended);
    /// The line above the table: the recommendation, the bound, the searches still running.
    void writeSummary(const std::vector<AlgorithmResult>& results, const AlgorithmResult* recommended);
    /// The bars of total energy (coloured by feasibility, the recommended plan apart) and the
    /// bound as a dashed line.
    void drawChart(const std::vector<AlgorithmResult>& results, const AlgorithmResult* recommended);
    /// Why there is nothing to chart, in a plain sentence; empty when there is.
    static QString nothingToChart(const std::vector<AlgorithmResult>& results);

    QLabel* m_summary;
    QTableWidget* m_table;
    QStackedWidget* m_chartOrMessage;
    ChartView* m_chart;
    QLabel* m_message;
    double m_lowerBoundMj = NAN;
    QString m_saturationMessage;
};

} // namespace coinfer
