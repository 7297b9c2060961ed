#pragma once
// Presentation mode (F11): full screen, large fonts, a dark or light theme, and the walkthrough
// stepped with the arrow keys; each step's timeline highlights the users that changed.

#include "widgets/walkthrough.h"

#include <QWidget>

class QLabel;

namespace coinfer {

class TimelineView;

class PresentationWindow : public QWidget {
    Q_OBJECT

public:
    explicit PresentationWindow(const Scenario& scenario, QWidget* parent = nullptr);

    Walkthrough& walkthrough() { return m_walkthrough; }
    bool darkTheme() const { return m_dark; }
    void setDarkTheme(bool dark);
    /// Shows the walkthrough's current step.
    void showStep();

protected:
    void keyPressEvent(QKeyEvent* event) override;

private:
    Scenario m_scenario;
    Walkthrough m_walkthrough;
    QLabel* m_title;
    QLabel* m_text;
    QLabel* m_footer;
    TimelineView* m_timeline;
    bool m_dark = true;
};

} // namespace coinfer
