#include "widgets/views/scheduleplayer.h"

#include "widgets/views/timelineview.h"

#include <QTimer>
#include <Qt>

#include <algorithm>

namespace coinfer {

SchedulePlayer::SchedulePlayer(QObject* parent) : QObject(parent), m_timer(new QTimer(this))
{
    m_timer->setInterval(16); // about 60 frames per second
    m_timer->setTimerType(Qt::PreciseTimer);
    connect(m_timer, &QTimer::timeout, this, [this] { advance(m_timer->interval() / 1000.0); });
}

void SchedulePlayer::setTimeline(const TimelineModel& timeline)
{
    m_events.clear();
    if (!timeline.stepEventsMs().empty()) {
        // An episode steps from dispatch to dispatch: its thousands of segment edges are too fine.
        m_events = timeline.stepEventsMs();
    } else {
        for (const TimelineSegment& segment : timeline.segments()) {
            m_events.push_back(segment.startMs);
            m_events.push_back(segment.endMs);
        }
        m_events.insert(m_events.end(), timeline.deadlinesMs().begin(), timeline.deadlinesMs().end());
    }
    m_events.push_back(0);
    std::sort(m_events.begin(), m_events.end());
    m_events.erase(std::unique(m_events.begin(), m_events.end()), m_events.end());
    m_endMs = timeline.endMs();
    m_speed = std::max(m_endMs / 10.0, 1e-6);
    stop();
}

void SchedulePlayer::setSpeed(double timelineMsPerSecond)
{
    if (timelineMsPerSecond > 0)
        m_speed = timelineMsPerSecond;
}

void SchedulePlayer::play()
{
    if (m_endMs <= 0)
        return;
    if (m_timeMs >= m_endMs)
        setTime(0); // playing at the end starts over
    setState(State::Playing);
    m_timer->start();
}

void SchedulePlayer::pause()
{
    m_timer->stop();
    if (m_state == State::Playing)
        setState(State::Paused);
}

void SchedulePlayer::togglePlay()
{
    m_state == State::Playing ? pause() : play();
}

void SchedulePlayer::stop()
{
    m_timer->stop();
    setTime(0);
    setState(State::Stopped);
}

void SchedulePlayer::seek(double timeMs)
{
    setTime(std::clamp(timeMs, 0.0, m_endMs));
    if (m_state == State::Stopped && m_timeMs > 0)
        setState(State::Paused);
}

void SchedulePlayer::stepForward()
{
    pause();
    auto next = std::upper_bound(m_events.begin(), m_events.end(), m_timeMs + 1e-9);
    setTime(next == m_events.end() ? m_endMs : std::min(*next, m_endMs));
    setState(State::Paused);
}

void SchedulePlayer::stepBackward()
{
    pause();
    auto previous = std::lower_bound(m_events.begin(), m_events.end(), m_timeMs - 1e-9);
    setTime(previous == m_events.begin() ? 0.0 : *(previous - 1));
    setState(State::Paused);
}

void SchedulePlayer::advance(double wallSeconds)
{
    if (m_state != State::Playing)
        return;
    const double next = m_timeMs + wallSeconds * m_speed;
    if (next >= m_endMs) {
        setTime(m_endMs);
        pause();
        return;
    }
    setTime(next);
}

void SchedulePlayer::setState(State state)
{
    if (state == m_state)
        return;
    m_state = state;
    emit stateChanged(state);
}

void SchedulePlayer::setTime(double timeMs)
{
    if (timeMs == m_timeMs)
        return;
    m_timeMs = timeMs;
    emit timeChanged(timeMs);
}

} // namespace coinfer

#include "moc_scheduleplayer.cpp"
