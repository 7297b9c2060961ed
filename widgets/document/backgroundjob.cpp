#include "widgets/document/backgroundjob.h"

namespace coinfer {

BackgroundJob::BackgroundJob(QObject* parent) : QObject(parent)
{
}

BackgroundJob::~BackgroundJob()
{
    // Not waited for: the worker holds its own copies, and its future's watcher (a child of
    // this job) goes with the job, so nothing of the run can reach it any more.
    stopRun();
}

void BackgroundJob::stopRun()
{
    if (m_state)
        m_state->stop.store(true);
    if (m_watcher)
        m_watcher->cancel(); // QPromise::isCanceled() for work that asks its promise
    m_watcher = nullptr;
    m_running = false;
}

std::pair<quint64, std::shared_ptr<JobRunState>> BackgroundJob::beginRun()
{
    stopRun();
    dropOutcome();
    m_errorString.clear();
    m_stopRequested = false;
    m_progressTotal = 0;
    m_state = std::make_shared<JobRunState>();
    m_running = true;
    // Before any work starts: an outcome that arrives at once must come after started().
    emit started();
    return {++m_run, m_state};
}

void BackgroundJob::cancel()
{
    if (!m_running)
        return;
    stopRun();
    emit cancelled();
}

void BackgroundJob::requestStop()
{
    if (!m_running)
        return;
    m_stopRequested = true;
    m_state->stop.store(true);
}

void BackgroundJob::abandon(Error reason)
{
    if (!m_running)
        return;
    stopRun();
    m_errorString = QString::fromStdString(reason.message);
    setErrorOutcome(std::move(reason));
    emit finished();
}

void BackgroundJob::endRun(QString errorString)
{
    m_running = false;
    m_watcher = nullptr;
    m_errorString = std::move(errorString);
    emit finished();
}

void BackgroundJob::watchProgress(quint64 run, QFutureWatcherBase* watcher)
{
    // The range comes as its own event, before the values reported after it.
    connect(watcher, &QFutureWatcherBase::progressRangeChanged, this, [this, run](int, int maximum) {
        if (isCurrent(run))
            m_progressTotal = maximum;
    });
    // A watcher also reports the future's state when it starts watching: value 0 of no range,
    // which is no progress of the work's.
    connect(watcher, &QFutureWatcherBase::progressValueChanged, this, [this, run](int done) {
        if (isCurrent(run) && m_progressTotal > 0)
            emit progressChanged(done, m_progressTotal);
    });
}

} // namespace coinfer

#include "moc_backgroundjob.cpp"
