#pragma once
// One kind of background work for the widgets, in the spirit of KDE's KJob: a view starts a job
// and reacts to its signals; it never keeps its own count of which result is stale.
//
// A job runs one piece of work at a time on a worker thread (QtConcurrent, a QPromise
// underneath) and reports on the thread it lives on (the GUI thread):
// - started(), then progressChanged() and the work's updates (partial results) in the order the
//   work made them, then finished() with a result or an error (takeResult());
// - a newer start() supersedes the run in flight: the old run is asked to stop and nothing of it
//   is delivered any more, however late it ends;
// - cancel() does the same without a new run, and cancelled() follows at once;
// - requestStop() asks the work to end early with what it has, which is delivered as usual
//   (an anytime search's incumbent, a sweep's finished points, training's best policy so far);
// - abandon() drops the run because its inputs changed: finished() follows at once with the
//   reason as the error.
// The work gets its own copies of what it needs; it shares nothing with the view.

#include "core/util/expected.h"

#include <QCoreApplication>
#include <QFutureWatcher>
#include <QMetaObject>
#include <QObject>
#include <QPointer>
#include <QPromise>
#include <QString>
#include <QThreadPool>
#include <Qt>
#include <QtConcurrent/QtConcurrentRun> // IWYU pragma: keep (QtConcurrent::run, in Job<T>::start)
#include <QtGlobal>

#include <atomic>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>

namespace coinfer {

/// The state one run shares with its worker: whether it was asked to stop.
struct JobRunState {
    std::atomic<bool> stop{false};
};

/// The type of update of a job whose work reports none.
struct NoUpdate { };

/// What the work sees of its job, on the worker thread. Every call is cheap and thread-safe.
template<class Update> class JobControl {
public:
    JobControl(std::shared_ptr<JobRunState> state, std::function<void(int, int)> progress, std::function<void(Update)> post)
        : m_state(std::move(state)), m_progress(std::move(progress)), m_post(std::move(post))
    {
    }

    /// Whether the job asked the work to stop (cancel, requestStop, abandon or a newer start).
    bool stopRequested() const { return m_state->stop.load(); }
    /// The same as a flag, for core functions that take `const std::atomic<bool>*` to cancel;
    /// it stays valid while the work runs.
    const std::atomic<bool>* stopFlag() const { return &m_state->stop; }
    /// @p done of @p total steps. Delivered in order as progressChanged(), at most about 25
    /// times a second (the last step always), and only while the run is current.
    void setProgress(int done, int total) { m_progress(done, total); }
    /// A partial result, delivered in order to the job's update handler on the job's thread,
    /// before finished(), and only while the run is current.
    void report(Update update) { m_post(std::move(update)); }

private:
    std::shared_ptr<JobRunState> m_state;
    std::function<void(int, int)> m_progress;
    std::function<void(Update)> m_post;
};

/// The signals and the run bookkeeping that every Job<T, Update> shares.
class BackgroundJob : public QObject {
    Q_OBJECT

public:
    explicit BackgroundJob(QObject* parent = nullptr);
    /// Asks the run in flight to stop and returns at once; nothing of it is delivered.
    ~BackgroundJob() override;

    /// Whether a run was started and its outcome is not yet delivered (nor cancelled).
    bool isRunning() const { return m_running; }
    /// Stops the run in flight, if any: its result is never delivered; cancelled() follows at once.
    void cancel();
    /// Asks the run in flight to end early; whatever it returns is delivered as usual.
    void requestStop();
    /// Whether the latest run was asked to stop early (requestStop()).
    bool stopWasRequested() const { return m_stopRequested; }
    /// Drops the run in flight, if any, because what it works on changed: its work is asked to
    /// stop and finished() follows at once with @p reason as the error.
    void abandon(Error reason);
    /// Runs the work on @p pool instead of the global one (the pool must outlive the work).
    void setThreadPool(QThreadPool* pool) { m_pool = pool; }
    /// The error of the latest delivered outcome, empty after a success.
    QString errorString() const { return m_errorString; }

signals:
    void started();
    /// @p done of @p total steps of the current run.
    void progressChanged(int done, int total);
    /// The current run's outcome is in: a result or an error (takeResult(), errorString()).
    void finished();
    /// The current run was cancelled; no result follows.
    void cancelled();

protected:
    /// Supersedes the run in flight and begins a new one: its id and the state its worker shares.
    std::pair<quint64, std::shared_ptr<JobRunState>> beginRun();
    /// Whether @p run is the run in flight, whose outcome is still wanted.
    bool isCurrent(quint64 run) const { return m_running && run == m_run; }
    /// Ends the current run and announces its outcome.
    void endRun(QString errorString);
    /// Connects @p watcher's progress to progressChanged() while @p run is current.
    void watchProgress(quint64 run, QFutureWatcherBase* watcher);
    QThreadPool* pool() const { return m_pool ? m_pool : QThreadPool::globalInstance(); }
    /// Forgets the outcome held for takeResult().
    virtual void dropOutcome() = 0;
    /// Holds @p error as the current run's outcome.
    virtual void setErrorOutcome(Error error) = 0;

private:
    /// Asks the run in flight to stop and forgets it.
    void stopRun();

    quint64 m_run = 0;
    bool m_running = false;
    bool m_stopRequested = false;
    std::shared_ptr<JobRunState> m_state;
    QFutureWatcherBase* m_watcher = nullptr; ///< the run in flight's, to cancel its future
    QThreadPool* m_pool = nullptr;
    QString m_errorString;
    int m_progressTotal = 0; ///< of the current run

    template<class T, class Update> friend class Job;
};

/// A job whose work returns Expected<T> and may report updates of type Update as it goes.
template<class T, class Update = NoUpdate> class Job : public BackgroundJob {
public:
    using Control = JobControl<Update>;
    /// Runs on a worker thread. An exception it throws becomes the run's error.
    using Work = std::function<Expected<T>(Control&)>;

    explicit Job(QObject* parent = nullptr) : BackgroundJob(parent) { }

    /// Called on the job's thread with each update of the current run, in order.
    void setUpdateHandler(std::function<void(Update)> handler) { m_onUpdate = std::move(handler); }

    /// Starts @p work on a worker thread and returns at once; started() has been emitted. A run
    /// in flight is superseded: asked to stop, and nothing of it delivered. O(1) on this thread
    /// (the work carries its own copies, made by the caller).
    void start(Work work)
    {
        // Not a structured binding: clang before 16 cannot capture one in a lambda.
        const std::pair<quint64, std::shared_ptr<JobRunState>> begun = beginRun();
        const quint64 run = begun.first;
        const std::shared_ptr<JobRunState> state = begun.second;
        auto* watcher = new QFutureWatcher<Expected<T>>(this);
        m_watcher = watcher;
        watchProgress(run, watcher);
        connect(watcher, &QFutureWatcherBase::finished, this, [this, run, watcher] {
            watcher->deleteLater();
            if (!isCurrent(run))
                return; // superseded, cancelled or abandoned: never delivered
            m_watcher = nullptr;
            if (watcher->future().resultCount() == 0)
                m_outcome = Expected<T>(Unexpected(Error{ErrorCode::Io, tr("the work ended without a result").toStdString()}));
            else
                m_outcome = watcher->future().takeResult();
            endRun(m_outcome->has_value() ? QString() : QString::fromStdString(m_outcome->error().message));
        });
        QPointer<Job> self(this);
        // Posted through the application object, which outlives the job: the job may be gone
        // when the update arrives, and the guarded pointer is only read on this thread.
        auto post = [self, run](Update update) {
            QMetaObject::invokeMethod(
                QCoreApplication::instance(),
                [self, run, update = std::move(update)]() mutable {
                    if (self && self->isCurrent(run) && self->m_onUpdate)
                        self->m_onUpdate(std::move(update));
                },
                Qt::QueuedConnection);
        };
        watcher->setFuture(QtConcurrent::run(pool(), [work = std::move(work), state, post](QPromise<Expected<T>>& promise) {
            auto progress = [&promise](int done, int total) {
                if (promise.future().progressMaximum() != total)
                    promise.setProgressRange(0, total);
                promise.setProgressValue(done);
            };
            Control control(state, progress, post);
            try {
                promise.addResult(work(control));
            } catch (const std::exception& error) {
                promise.addResult(Expected<T>(Unexpected(Error{ErrorCode::Io, error.what()})));
            }
        }));
    }

    /// The outcome that finished() announced, moved out (an error after abandon()).
    Expected<T> takeResult()
    {
        Expected<T> outcome = m_outcome ? std::move(*m_outcome) : Expected<T>(Unexpected(Error{ErrorCode::Io, "no result"}));
        m_outcome.reset();
        return outcome;
    }

protected:
    void dropOutcome() override { m_outcome.reset(); }
    void setErrorOutcome(Error error) override { m_outcome = Expected<T>(Unexpected(std::move(error))); }

private:
    std::optional<Expected<T>> m_outcome;
    std::function<void(Update)> m_onUpdate;
};

} // namespace coinfer
