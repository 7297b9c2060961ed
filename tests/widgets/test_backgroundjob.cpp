// The background job every view's worker runs in: a result or an error is delivered, progress
// and updates arrive in order and before the result, and nothing of a run that a newer start,
// cancel() or abandon() replaced is ever delivered. Every wait is on an event (a signal, a
// semaphore, the pool finishing), never on the clock.

#include "widgets/document/backgroundjob.h"

#include <QCoreApplication>
#include <QEvent>
#include <QObject>
#include <QSemaphore>
#include <QSignalSpy>
#include <QString>
#include <QTest>
#include <QThreadPool>

#include <atomic>
#include <cstddef>
#include <memory>
#include <stdexcept>
#include <utility>
#include <variant>
#include <vector>

using namespace coinfer;

namespace {

using IntJob = Job<int, int>;

/// Lets every run on @p pool end and every event it posted be delivered: after this, a result
/// that was going to arrive has arrived.
void drain(QThreadPool& pool)
{
    QVERIFY(pool.waitForDone(60000));
    QCoreApplication::processEvents();
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    QCoreApplication::processEvents();
}

} // namespace

class TestBackgroundJob : public QObject {
    Q_OBJECT

private slots:
    void deliversTheResultAfterStarted()
    {
        QThreadPool pool;
        IntJob job;
        job.setThreadPool(&pool);
        std::vector<QString> events;
        connect(&job, &BackgroundJob::started, this, [&] { events.push_back("started"); });
        connect(&job, &BackgroundJob::finished, this, [&] { events.push_back("finished"); });
        QSignalSpy finished(&job, &BackgroundJob::finished);
        job.start([](IntJob::Control&) -> Expected<int> { return 42; });
        QVERIFY(job.isRunning());
        QVERIFY(finished.wait(60000));
        QVERIFY(!job.isRunning());
        QCOMPARE(events, (std::vector<QString>{"started", "finished"}));
        Expected<int> result = job.takeResult();
        QVERIFY(result.has_value());
        QCOMPARE(*result, 42);
        QVERIFY(job.errorString().isEmpty());
    }

    void deliversAnError()
    {
        QThreadPool pool;
        IntJob job;
        job.setThreadPool(&pool);
        QSignalSpy finished(&job, &BackgroundJob::finished);
        job.start([](IntJob::Control&) -> Expected<int> {
            return Unexpected(Error{ErrorCode::BadInput, "users[3].deadlineMs: not a number"});
        });
        QVERIFY(finished.wait(60000));
        QCOMPARE(job.errorString(), QString("users[3].deadlineMs: not a number"));
        Expected<int> result = job.takeResult();
        QVERIFY(!result.has_value());
        QCOMPARE(result.error().code, ErrorCode::BadInput);

        // A worker that throws ends its run with the exception's message as the error.
        job.start([](IntJob::Control&) -> Expected<int> { throw std::runtime_error("out of memory"); });
        QVERIFY(finished.wait(60000));
        QCOMPARE(job.errorString(), QString("out of memory"));
        QVERIFY(!job.takeResult().has_value());
    }

    void aNewerStartDropsTheOlderResult()
    {
        QThreadPool pool;
        pool.setMaxThreadCount(2);
        IntJob job;
        job.setThreadPool(&pool);
        QSemaphore running, gate;
        std::atomic<bool> olderSawStop{false};
        std::vector<int> updates;
        job.setUpdateHandler([&](int update) { updates.push_back(update); });
        QSignalSpy finished(&job, &BackgroundJob::finished);
        QSignalSpy started(&job, &BackgroundJob::started);
        job.start([&](IntJob::Control& control) -> Expected<int> {
            running.release();
            gate.acquire(); // held until the newer run has been delivered
            olderSawStop = control.stopRequested();
            control.report(-1);
            control.setProgress(1, 1);
            return 1;
        });
        running.acquire(); // the older work runs: the newer start must stop it, not skip it
        job.start([](IntJob::Control& control) -> Expected<int> {
            control.report(2);
            return 2;
        });
        QCOMPARE(started.count(), 2);
        QVERIFY(finished.wait(60000));
        QCOMPARE(*job.takeResult(), 2);
        gate.release();
        drain(pool);
        QVERIFY(olderSawStop);
        QCOMPARE(finished.count(), 1);          // the older run's result never came
        QCOMPARE(updates, std::vector<int>{2}); // nor its update
        QVERIFY(!job.isRunning());
    }

    void cancelStopsDelivery()
    {
        QThreadPool pool;
        IntJob job;
        job.setThreadPool(&pool);
        QSemaphore running, gate;
        std::atomic<bool> sawStop{false};
        std::vector<int> updates;
        job.setUpdateHandler([&](int update) { updates.push_back(update); });
        QSignalSpy finished(&job, &BackgroundJob::finished);
        QSignalSpy cancelled(&job, &BackgroundJob::cancelled);
        QSignalSpy progress(&job, &BackgroundJob::progressChanged);
        job.start([&](IntJob::Control& control) -> Expected<int> {
            running.release();
            gate.acquire();
            sawStop = control.stopRequested();
            control.report(7);
            control.setProgress(5, 10);
            return 7;
        });
        running.acquire();
        job.cancel();
        QCOMPARE(cancelled.count(), 1); // at once, not when the worker ends
        QVERIFY(!job.isRunning());
        gate.release();
        drain(pool);
        QVERIFY(sawStop);
        QCOMPARE(finished.count(), 0);
        QCOMPARE(progress.count(), 0);
        QVERIFY(updates.empty());
        job.cancel(); // nothing in flight: nothing to say
        QCOMPARE(cancelled.count(), 1);
    }

    void requestStopDeliversWhatTheWorkHas()
    {
        QThreadPool pool;
        IntJob job;
        job.setThreadPool(&pool);
        QSemaphore gate;
        QSignalSpy finished(&job, &BackgroundJob::finished);
        QSignalSpy cancelled(&job, &BackgroundJob::cancelled);
        job.start([&](IntJob::Control& control) -> Expected<int> {
            gate.acquire();
            return control.stopRequested() ? 3 : 100; // an anytime search's incumbent
        });
        job.requestStop();
        QVERIFY(job.isRunning());
        gate.release();
        QVERIFY(finished.wait(60000));
        QVERIFY(job.stopWasRequested());
        QCOMPARE(*job.takeResult(), 3);
        QCOMPARE(cancelled.count(), 0);
    }

    void abandonDeliversTheReasonAndDropsTheResult()
    {
        QThreadPool pool;
        IntJob job;
        job.setThreadPool(&pool);
        QSemaphore gate;
        QSignalSpy finished(&job, &BackgroundJob::finished);
        job.start([&](IntJob::Control&) -> Expected<int> {
            gate.acquire();
            return 5;
        });
        job.abandon(Error{ErrorCode::BadInput, "The scenario changed: generate again."});
        QCOMPARE(finished.count(), 1); // at once
        QCOMPARE(job.errorString(), QString("The scenario changed: generate again."));
        QVERIFY(!job.takeResult().has_value());
        gate.release();
        drain(pool);
        QCOMPARE(finished.count(), 1);
    }

    void progressAndUpdatesArriveInOrderBeforeTheResult()
    {
        QThreadPool pool;
        IntJob job;
        job.setThreadPool(&pool);
        constexpr int steps = 2000;
        std::vector<int> updates;
        std::vector<std::pair<int, int>> progress;
        std::size_t updatesAtFinish = 0;
        job.setUpdateHandler([&](int update) { updates.push_back(update); });
        connect(&job, &BackgroundJob::progressChanged, this, [&](int done, int total) { progress.emplace_back(done, total); });
        connect(&job, &BackgroundJob::finished, this, [&] { updatesAtFinish = updates.size(); });
        QSignalSpy finished(&job, &BackgroundJob::finished);
        job.start([](IntJob::Control& control) -> Expected<int> {
            for (int step = 1; step <= steps; ++step) {
                control.setProgress(step, steps);
                control.report(step);
            }
            return steps;
        });
        QVERIFY(finished.wait(60000));
        QCOMPARE(updatesAtFinish, std::size_t(steps)); // every update came before the result
        for (int step = 1; step <= steps; ++step)
            QCOMPARE(updates[static_cast<size_t>(step - 1)], step);
        // Progress may be thinned out (a bar needs no more than its frame rate), never reordered;
        // the last step always arrives.
        QVERIFY(!progress.empty());
        for (std::size_t i = 0; i < progress.size(); ++i) {
            QCOMPARE(progress[i].second, steps);
            if (i > 0)
                QVERIFY(progress[i].first > progress[i - 1].first);
        }
        QCOMPARE(progress.back().first, steps);
    }

    void aJobDestroyedMidRunReceivesNothing()
    {
        QThreadPool pool;
        QSemaphore running, gate;
        auto job = std::make_unique<IntJob>();
        job->setThreadPool(&pool);
        int updates = 0;
        job->setUpdateHandler([&](int) { ++updates; });
        std::atomic<bool> sawStop{false};
        job->start([&](IntJob::Control& control) -> Expected<int> {
            running.release();
            gate.acquire();
            sawStop = control.stopRequested();
            control.report(1);
            return 1;
        });
        running.acquire();
        job.reset();
        gate.release();
        drain(pool); // an update posted to a destroyed job is dropped, not delivered to freed memory
        QVERIFY(sawStop);
        QCOMPARE(updates, 0);
    }
};

QTEST_MAIN(TestBackgroundJob)
#include "core/util/expected.h"
#include "test_backgroundjob.moc"
