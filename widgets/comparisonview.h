#pragma once
// The comparison of planners: a table (energy, saving, batches, feasibility, gap to exact) and
// a bar chart of total energy. The chart reads the results through this one class only.

#include "widgets/planrunner.h"

#include <QWidget>

class QCustomPlot;
class QTableWidget;

namespace coinfer {

class ComparisonView : public QWidget {
    Q_OBJECT

public:
    explicit ComparisonView(QWidget* parent = nullptr);

    void showResults(const std::vector<AlgorithmResult>& results);
    /// Saves the chart as PNG, JPEG, PDF or SVG by extension; false on failure.
    bool exportChart(const QString& path, int width = 900, int height = 500);
    QTableWidget* table() const { return m_table; }
    QCustomPlot* chart() const { return m_chart; }

private:
    QTableWidget* m_table;
    QCustomPlot* m_chart;
};

} // namespace coinfer
