#pragma once
// Helpers shared by the widget tests that drive the main window: the classroom example, planning
// through the window, a scenario on which exact searches for hours, reading the comparison
// table, and a monitor of event-loop stalls.

#include "core/model/randomscenario.h"
#include "core/model/scenario.h"
#include "core/planning/planner.h"
#include "core/planning/search.h"
#include "core/util/expected.h"
#include "widgets/document/planrunner.h"
#include "widgets/views/comparisonview.h"
#include "widgets/views/mainwindow.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QObject>
#include <QSignalSpy>
#include <QString>
#include <QTableWidget>
#include <QTableWidgetItem>
#include <QTest>
#include <QTimer>
#include <QVariant>
#include <Qt>
#include <QtGlobal>

#include <algorithm>
#include <ctime>

namespace coinfer::testing {

/// CPU time the calling thread has used, in ms. Time limits in the tests are checked on this: a
/// step's own cost, which other processes on the machine's cores (CI runs tests in parallel on
/// 2 cores) cannot inflate as they inflate wall time. The figures the docs quote are wall time on
/// a quiet machine, printed beside it.
inline double threadCpuMs()
{
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_nsec) / 1e6;
}

/// CPU time the whole process (every thread) has used since @p start, in ms: the work of the
/// workers too, which other processes on the machine do not inflate.
inline double cpuMsSince(std::clock_t start)
{
    return 1e3 * static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC;
}

/// Waits until exact reports its search under way (its first progress, about 50 ms in); false
/// when it does not within 20 s.
inline bool waitForExactSearching(PlanRunner* runner)
{
    bool reported = false;
    QObject context;
    QObject::connect(runner, &PlanRunner::searchProgress, &context, [&reported](Algorithm algorithm, const SearchProgress&) {
        reported = reported || algorithm == Algorithm::Exact;
    });
    return QTest::qWaitFor([&reported] { return reported; }, 20000);
}

inline const QString kClassroom = QStringLiteral(COINFER_EXAMPLES "/classroom.json");

/// Plans now and waits (up to 30 s) for every result; false on a time-out.
inline bool waitForPlans(MainWindow& window)
{
    QSignalSpy finished(window.runner(), &PlanRunner::finished);
    window.planNow();
    return finished.wait(30000);
}

/// Shows @p window at the walkthrough's 1600 x 950, opens @p path in it and waits for every
/// plan; false when the window is not exposed, the file does not open or the plans time out.
inline bool showPlanned(MainWindow& window, const QString& path)
{
    window.resize(1600, 950);
    window.show();
    return QTest::qWaitForWindowExposed(&window) && window.openFile(path, true) && waitForPlans(window);
}

/// 40 users, 6 sub-tasks, no batching (B_max = 1), slow affine edge, mixed deadlines: the exact
/// branch and bound would run for hours (it is far from done after 20 s).
inline Scenario hardScenario()
{
    return makeRandomScenario(1, {.users = 40,
                                  .subtasks = 6,
                                  .maxBatch = 1,
                                  .constantEdge = false,
                                  .localAlwaysFeasible = true,
                                  .edgeScale = 10,
                                  .deadlineSpread = 1.5});
}

/// The row of @p algorithm in the comparison table (-1 when absent).
inline int rowOf(const QTableWidget* table, Algorithm algorithm)
{
    for (int row = 0; row < table->rowCount(); ++row)
        if (table->item(row, ComparisonView::AlgorithmColumn)->data(ComparisonView::AlgorithmNameRole).toString() ==
            QString::fromStdString(algorithmName(algorithm)))
            return row;
    return -1;
}

/// Every feasible plan's energy as the table shows it, best's included.
inline void checkBestIsLeast(const QTableWidget* table)
{
    const int best = rowOf(table, Algorithm::Best);
    QVERIFY(best >= 0);
    QCOMPARE(table->item(best, ComparisonView::FeasibleColumn)->text(), QString("yes"));
    const double bestMj = table->item(best, ComparisonView::EnergyColumn)->text().toDouble();
    for (int row = 0; row < table->rowCount(); ++row)
        if (table->item(row, ComparisonView::FeasibleColumn)->text() == "yes")
            QVERIFY2(bestMj <= table->item(row, ComparisonView::EnergyColumn)->text().toDouble(),
                     qPrintable(table->item(row, ComparisonView::AlgorithmColumn)->text()));
}

/// Records the longest gap between the ticks of a timer (10 ms unless told): how long the event
/// loop stalls. It runs from construction; restart() begins a new measurement.
class TickMonitor {
public:
    explicit TickMonitor(int intervalMs = 10)
    {
        m_timer.setInterval(intervalMs);
        m_timer.setTimerType(Qt::PreciseTimer);
        QObject::connect(&m_timer, &QTimer::timeout, [this] {
            m_longestMs = std::max(m_longestMs, m_clock.restart());
            const double cpuMs = threadCpuMs();
            m_longestCpuMs = std::max(m_longestCpuMs, cpuMs - m_cpuAtTickMs);
            m_cpuAtTickMs = cpuMs;
            ++m_ticks;
        });
        m_clock.start();
        m_cpuAtTickMs = threadCpuMs();
        m_timer.start();
    }
    qint64 longestGapMs() const { return m_longestMs; }
    /// The GUI thread's largest CPU time between two ticks: the work of the longest step, without
    /// the time other processes took the core (a shared machine inflates the wall-clock gap).
    double longestGapCpuMs() const { return m_longestCpuMs; }
    /// Forgets the gaps so far and measures from now.
    void restart()
    {
        m_longestMs = 0;
        m_longestCpuMs = 0;
        m_ticks = 0;
        m_clock.restart();
        m_cpuAtTickMs = threadCpuMs();
        m_timer.start();
    }
    /// Stops and returns the longest gap, the time since the last tick included.
    qint64 stop()
    {
        m_longestMs = std::max(m_longestMs, m_clock.elapsed());
        m_longestCpuMs = std::max(m_longestCpuMs, threadCpuMs() - m_cpuAtTickMs);
        m_timer.stop();
        return m_longestMs;
    }
    int ticks() const { return m_ticks; }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_longestMs = 0;
    double m_cpuAtTickMs = 0;
    double m_longestCpuMs = 0;
    int m_ticks = 0;
};

} // namespace coinfer::testing
