#pragma once
// Edit > Set deadline of selected users: one value for every user, or each one's scaled.

#include <QDialog>
#include <QObject>
#include <QString>
#include <QWidget>

class QDoubleSpinBox;
class QLabel;
class QRadioButton;

namespace coinfer {

/// Asks how to change the deadlines of @p users selected users: set every one to a value, or
/// multiply each by a factor (a tighter or looser class without losing its spread). Says how
/// many users it changes before the user presses OK.
class BulkDeadlineDialog : public QDialog {
    Q_OBJECT

public:
    BulkDeadlineDialog(int users, double firstDeadlineMs, QWidget* parent = nullptr);

    /// Whether each deadline is multiplied by value() rather than set to it.
    bool scales() const;
    /// The deadline in ms, or the factor.
    double value() const;
    /// The sentence that says what OK will do ("Sets the deadline of 12 users to 150 ms.").
    QString summary() const;

    void setScales(bool scale);
    void setValue(double value);

private:
    void updateSummary();

    int m_users;
    QRadioButton* m_set;
    QRadioButton* m_scale;
    QDoubleSpinBox* m_deadline;
    QDoubleSpinBox* m_factor;
    QLabel* m_summary;
};

} // namespace coinfer
