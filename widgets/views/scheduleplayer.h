#pragma once
// Plays a timeline: a time cursor that moves while playing, pauses, steps to the next or
// previous event, scrubs, and runs at a chosen speed. No painting here, so it can be tested.

#include <QObject>
#include <QTimer>

#include <vector>

namespace coinfer {

class TimelineModel;

class SchedulePlayer : public QObject {
    Q_OBJECT

public:
    enum class State { Stopped, Playing, Paused };

    explicit SchedulePlayer(QObject* parent = nullptr);

    /// Takes the events of @p timeline (its stepEventsMs(), an episode's dispatches; else every
    /// segment start and end, and the deadlines) and stops.
    void setTimeline(const TimelineModel& timeline);
    State state() const { return m_state; }
    double timeMs() const { return m_timeMs; }
    double endMs() const { return m_endMs; }
    /// Timeline milliseconds per second of wall-clock time; by default a plan plays in 10 s.
    double speed() const { return m_speed; }
    void setSpeed(double timelineMsPerSecond);

    void play();
    void pause();
    void togglePlay();
    void stop();              ///< back to 0
    void seek(double timeMs); ///< scrub; clamped to [0, end]
    void stepForward();       ///< to the next event after the cursor, paused
    void stepBackward();      ///< to the previous event before the cursor, paused
    /// Moves the cursor by @p wallSeconds of playing; reaching the end pauses. Driven by a
    /// 60 Hz timer while playing, and directly by tests.
    void advance(double wallSeconds);

signals:
    void timeChanged(double timeMs);
    void stateChanged(coinfer::SchedulePlayer::State state);

private:
    void setState(State state);
    void setTime(double timeMs);

    State m_state = State::Stopped;
    double m_timeMs = 0;
    double m_endMs = 0;
    double m_speed = 1;
    std::vector<double> m_events;
    QTimer* m_timer;
};

} // namespace coinfer
