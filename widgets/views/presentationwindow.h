#pragma once
// Presentation mode (F11): full screen, large fonts, a dark or light theme, and the walkthrough
// stepped with the arrow keys; each step's timeline highlights the users that changed.

#include "core/model/scenario.h"
#include "widgets/document/backgroundjob.h"
#include "widgets/views/walkthrough.h"

#include <QKeyEvent>
#include <QObject>
#include <QString>
#include <QWidget>

#include <variant>

class QLabel;

namespace coinfer {

class SchedulePlayer;
class TimelineView;

class PresentationWindow : public QWidget {
    Q_OBJECT

public:
    /// Plans the walkthrough in the background; ready() says when it can be shown.
    explicit PresentationWindow(const Scenario& scenario, QWidget* parent = nullptr);
    ~PresentationWindow() override;

    bool isReady() const { return m_ready; }
    Walkthrough& walkthrough() { return m_walkthrough; }
    bool darkTheme() const { return m_dark; }
    void setDarkTheme(bool dark);
    /// Shows the walkthrough's current step.
    void showStep();
    /// The step's timeline (lanes fitted to the window's height).
    const TimelineView* timeline() const { return m_timeline; }
    /// The step's explanation as shown, including how many users miss their deadline.
    QString explanationText() const;
    /// The line under the timeline: which step of how many, and the keys.
    QString footerText() const;
    /// Plays the step's schedule (Space), as the plan page's player does.
    SchedulePlayer* player() const { return m_player; }

signals:
    void ready();

protected:
    void keyPressEvent(QKeyEvent* event) override;

private:
    Scenario m_scenario;
    Walkthrough m_walkthrough;
    QLabel* m_title;
    QLabel* m_text;
    QLabel* m_footer;
    TimelineView* m_timeline;
    SchedulePlayer* m_player;
    bool m_dark = true;
    bool m_ready = false;
    Job<Walkthrough> m_planning;
};

} // namespace coinfer
