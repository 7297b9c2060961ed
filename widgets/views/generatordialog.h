#pragma once
// Generates N users from distributions with a seed: deadline classes or a range, distance or
// rate range, and a mix of the scenario's device classes.

#include "core/model/population.h"
#include "core/model/scenario.h"
#include "core/util/expected.h"

#include <QDialog>
#include <QObject>
#include <QString>
#include <QWidget>

#include <vector>

class QDoubleSpinBox;
class QLineEdit;
class QSpinBox;
class QTableWidget;

namespace coinfer {

class GeneratorDialog : public QDialog {
    Q_OBJECT

public:
    GeneratorDialog(const Scenario& scenario, QWidget* parent = nullptr);

    /// The population the dialog describes, its ids continuing after the existing users; an error
    /// saying why when nothing can be generated (the scenario has no device classes).
    Expected<PopulationSpec> spec() const;
    /// The users it generates, with ids that do not clash with @p scenario's. O(count * N).
    static std::vector<User> generate(const Scenario& scenario, const PopulationSpec& spec);

    QSpinBox* countBox() const { return m_count; }
    QSpinBox* seedBox() const { return m_seed; }
    QLineEdit* deadlineChoices() const { return m_deadlines; }

private:
    const Scenario& m_scenario;
    QString m_problem;
    QSpinBox* m_count;
    QSpinBox* m_seed;
    QLineEdit* m_prefix;
    QLineEdit* m_deadlines;
    QDoubleSpinBox* m_low;
    QDoubleSpinBox* m_high;
    QTableWidget* m_mix;
};

} // namespace coinfer
