#pragma once
// The Sweep page: one quantity of the open scenario varied over values, each point
// planned by several planners over seeded repeats, on a worker with progress and cancel; the
// chart shows energy, saving or gap against the value, a line of means per planner with a
// min-max band over repeats. Clicking a point opens that variant in a window of its own.

#include "core/model/scenario.h"
#include "core/planning/planner.h"
#include "core/sweep/sweep.h"
#include "core/sweep/sweepsummary.h"
#include "core/util/expected.h"
#include "widgets/document/backgroundjob.h"

#include <QLayout>
#include <QObject>
#include <QString>
#include <QWidget>
#include <QtGlobal>

#include <memory>
#include <utility>
#include <variant>
#include <vector>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace coinfer {

class ChartView;
class ScenarioDocument;

/// What a sweep's worker hands over as each point finishes: its rows and how far the sweep is.
struct SweepPointsDone {
    std::vector<SweepRow> rows;
    int pointsDone = 0;
    int pointsTotal = 0;
};

class SweepView : public QWidget {
    Q_OBJECT

public:
    explicit SweepView(ScenarioDocument* document, QWidget* parent = nullptr);
    ~SweepView() override;

    /// Sets the request from text as the command line takes it ("users", "50:200:50", "local,og")
    /// and runs it; the error (and nothing started) when one is refused.
    /// @p repeats and @p seed of 0 keep the controls' values.
    Expected<void> runSweep(const QString& parameter, const QString& values, const QString& algorithms = {}, int repeats = 0,
                            int seed = 0);
    /// The quantity and the values text the controls hold now.
    QString currentParameter() const;
    QString currentValues() const;
    /// Runs the sweep the controls describe, on a worker. Does nothing while one runs.
    void runFromControls();
    /// Stops the running sweep; the finished points stay on the chart and its result follows.
    void cancel();
    bool isRunning() const;
    /// The rows of the last sweep (finished points only).
    const std::vector<SweepRow>& rows() const { return m_rows; }
    /// The scenario of the point at @p value, @p repeat of the last sweep, as the Plan page of a
    /// new window would show it.
    Expected<Scenario> variant(double value, int repeat) const;
    /// Writes the rows as the sweep CSV (atomically).
    Expected<void> exportCsv(const QString& path) const;
    void setMeasure(SweepMeasure measure);
    /// Whether the scenario changed since the shown sweep was run.
    bool isStale() const { return m_stale; }

    ChartView* chart() const { return m_chart; }
    QLabel* statusLabel() const { return m_status; }

signals:
    /// A sweep ended (finished or cancelled); rows() holds its points.
    void finished();
    /// The user clicked @p planner's point: open @p scenario on a Plan page, showing that plan.
    void variantRequested(const coinfer::Scenario& scenario, const QString& title, const QString& planner);
    /// A sentence for the status bar (exports).
    void statusMessage(const QString& message);

private:
    QLayout* createControls();
    QLayout* createActions();
    /// Starts the sweep the controls describe; the reason when it refuses them.
    Expected<void> startFromControls();
    /// Values around the scenario's own for the chosen parameter, as text.
    QString defaultValues() const;
    void parameterChanged();
    /// Starts @p request on @p base in the background.
    void start(std::shared_ptr<const SweepBase> base, SweepRequest request);
    /// Rows of one finished point of the current sweep, handed over by its job.
    void addRows(const SweepPointsDone& point);
    void sweepEnded();
    void draw();
    /// The axes' labels and ticks, and the notes: none of @p anyNumber, none feasible, stale.
    void drawAxesAndNotes(SweepMeasure measure, bool anyNumber, bool anyFeasible);
    /// Axes over every value asked for, with a margin that keeps markers inside the frame.
    void fitAxes(SweepMeasure measure);
    void openPoint(int line, int index);
    void exportChartAsked();
    void exportCsvAsked();
    void markStale();
    /// " This scenario is a table...": repeats that cannot differ, said; else empty.
    QString identicalRepeatsSentence() const;

    ScenarioDocument* m_document;
    QComboBox* m_parameter;
    QLineEdit* m_values;
    QSpinBox* m_repeats;
    QSpinBox* m_seed;
    std::vector<std::pair<Algorithm, QCheckBox*>> m_algorithms;
    QComboBox* m_measure;
    QPushButton* m_run;
    QPushButton* m_cancel;
    QPushButton* m_exportChart;
    QPushButton* m_exportCsv;
    QProgressBar* m_progress;
    QLabel* m_status;
    ChartView* m_chart;
    QLabel* m_empty; ///< the sentence shown instead of an empty chart

    Job<SweepResult, SweepPointsDone> m_job;
    std::shared_ptr<const SweepBase> m_base; ///< the base of the shown sweep
    SweepRequest m_request;                  ///< the shown sweep
    std::vector<SweepRow> m_rows;
    bool m_axesFitted = false; ///< the running sweep's axes were fitted to some points
    bool m_fitPending = false; ///< axes held under the pointer, to fit when it leaves
    /// Which planner and value each chart line's points are (line index -> planner name, values).
    std::vector<std::pair<QString, std::vector<double>>> m_lineKeys;
    QString m_defaultValues; ///< the values text last filled in for the user
    qint64 m_startedMs = 0;
    bool m_stale = false;
};

} // namespace coinfer
