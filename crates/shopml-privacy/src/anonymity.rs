//! k-anonymity (Sweeney 2002) and l-diversity (Machanavajjhala et al. 2007)
//! checks on a table about to be released, and small-group suppression for
//! report tables.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use shopml_core::Error;

use crate::error::{PrivacyError, Result};
use crate::generalise::Generalisation;

/// A table of text cells with named columns, as it would be released.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Table {
    columns: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// Checks that every row has one value per column
    /// ([`PrivacyError::RaggedRow`] otherwise).
    pub fn new(columns: Vec<String>, rows: Vec<Vec<String>>) -> Result<Table> {
        for (i, r) in rows.iter().enumerate() {
            if r.len() != columns.len() {
                return Err(PrivacyError::RaggedRow { row: i, expected: columns.len(), found: r.len() });
            }
        }
        Ok(Table { columns, rows })
    }

    /// Column names.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// Rows.
    pub fn rows(&self) -> &[Vec<String>] {
        &self.rows
    }

    /// Position of a column; [`PrivacyError::MissingColumn`] when absent.
    pub fn column_index(&self, name: &str) -> Result<usize> {
        self.columns
            .iter()
            .position(|c| c == name)
            .ok_or_else(|| PrivacyError::MissingColumn { column: name.to_owned(), available: self.columns.join(", ") })
    }

    fn groups(&self, idx: &[usize]) -> BTreeMap<Vec<&str>, Vec<usize>> {
        let mut g: BTreeMap<Vec<&str>, Vec<usize>> = BTreeMap::new();
        for (i, r) in self.rows.iter().enumerate() {
            g.entry(idx.iter().map(|&c| r[c].as_str()).collect()).or_default().push(i);
        }
        g
    }
}

/// One equivalence class: the rows sharing a combination of quasi-identifier values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    /// The quasi-identifier values, in the order the columns were given.
    pub key: Vec<String>,
    /// Number of rows.
    pub size: usize,
    /// Zero-based row indices, ascending.
    pub rows: Vec<usize>,
}

/// A change that would reduce or remove the violations of k-anonymity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Suggestion {
    /// Coarsen one quasi-identifier column (with the caller's hierarchy for it,
    /// or by replacing it with `*` when none was given).
    Generalise {
        /// The column.
        column: String,
        /// The rule applied.
        generalisation: Generalisation,
        /// Smallest group size afterwards.
        min_group_size: usize,
        /// Rows still in groups smaller than k afterwards.
        rows_to_suppress: usize,
    },
    /// Leave the violating rows out of the release.
    Suppress {
        /// Rows to leave out.
        rows: usize,
    },
}

/// The result of [`check_k_anonymity`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KAnonymityReport {
    /// The k checked.
    pub k: usize,
    /// The quasi-identifier columns.
    pub quasi_identifiers: Vec<String>,
    /// Rows in the table.
    pub n_rows: usize,
    /// Distinct quasi-identifier combinations.
    pub n_groups: usize,
    /// Size of the smallest group (`None` for an empty table).
    pub min_group_size: Option<usize>,
    /// Groups smaller than k, smallest first (ties in key order).
    pub violating: Vec<Group>,
    /// Fixes, best first: each single-column generalisation ranked by the rows
    /// it leaves to suppress, then suppression of the violating rows.
    pub suggestions: Vec<Suggestion>,
}

impl KAnonymityReport {
    /// Whether every group has at least k rows.
    pub fn is_k_anonymous(&self) -> bool {
        self.violating.is_empty()
    }

    /// Rows in violating groups.
    pub fn rows_in_violating_groups(&self) -> usize {
        self.violating.iter().map(|g| g.size).sum()
    }
}

fn quasi_indices(table: &Table, quasi: &[&str]) -> Result<Vec<usize>> {
    if quasi.is_empty() {
        return Err(Error::param("quasi_identifiers", "name at least one column").into());
    }
    quasi.iter().map(|q| table.column_index(q)).collect()
}

fn violations(groups: &BTreeMap<Vec<&str>, Vec<usize>>, k: usize) -> (usize, usize) {
    let min = groups.values().map(Vec::len).min().unwrap_or(0);
    let rows = groups.values().filter(|g| g.len() < k).map(Vec::len).sum();
    (min, rows)
}

/// Checks k-anonymity (Sweeney 2002): every combination of the
/// quasi-identifier columns must be shared by at least `k` rows, so no row can
/// be singled out by someone who knows those attributes from elsewhere.
///
/// `hierarchies` gives, per quasi-identifier, the generalisation to try in the
/// suggestions (columns without one are tried fully suppressed, `*`; a value
/// the rule cannot parse becomes `*` in that trial).
///
/// Errors: `k = 0` or no quasi-identifier → `InvalidParameter`; a named
/// column missing → [`PrivacyError::MissingColumn`].
///
/// ```
/// use shopml_privacy::{check_k_anonymity, Generalisation, Suggestion, Table};
/// let rows = [["SW1A 1AA", "34", "flu"], ["SW1A 2BB", "36", "cold"], ["M1 1AE", "52", "flu"]];
/// let t = Table::new(
///     vec!["postcode".into(), "age".into(), "diagnosis".into()],
///     rows.iter().map(|r| r.iter().map(|s| s.to_string()).collect()).collect(),
/// ).unwrap();
/// let r = check_k_anonymity(&t, &["postcode", "age"], 2, &[("postcode", Generalisation::postcode())]).unwrap();
/// assert_eq!(r.min_group_size, Some(1));
/// assert_eq!(r.violating.len(), 3);
/// ```
pub fn check_k_anonymity(table: &Table, quasi: &[&str], k: usize, hierarchies: &[(&str, Generalisation)]) -> Result<KAnonymityReport> {
    if k == 0 {
        return Err(Error::param("k", "k-anonymity needs k ≥ 1").into());
    }
    let idx = quasi_indices(table, quasi)?;
    for (c, g) in hierarchies {
        table.column_index(c)?;
        g.check()?;
    }
    let groups = table.groups(&idx);
    let mut violating: Vec<Group> = groups
        .iter()
        .filter(|(_, rows)| rows.len() < k)
        .map(|(key, rows)| Group { key: key.iter().map(|s| s.to_string()).collect(), size: rows.len(), rows: rows.clone() })
        .collect();
    violating.sort_by_key(|g| g.size);
    let (min, to_suppress) = violations(&groups, k);

    let mut suggestions = Vec::new();
    if to_suppress > 0 {
        for (pos, &col) in idx.iter().enumerate() {
            let g = hierarchies.iter().find(|(c, _)| *c == quasi[pos]).map(|(_, g)| g.clone()).unwrap_or(Generalisation::Suppress);
            let coarse: Vec<String> = table.rows.iter().map(|r| g.apply(&r[col]).unwrap_or_else(|_| "*".into())).collect();
            let mut trial: BTreeMap<Vec<&str>, Vec<usize>> = BTreeMap::new();
            for (i, r) in table.rows.iter().enumerate() {
                let key = idx.iter().map(|&c| if c == col { coarse[i].as_str() } else { r[c].as_str() }).collect();
                trial.entry(key).or_default().push(i);
            }
            let (m, s) = violations(&trial, k);
            suggestions.push(Suggestion::Generalise {
                column: quasi[pos].to_owned(),
                generalisation: g,
                min_group_size: m,
                rows_to_suppress: s,
            });
        }
        suggestions.sort_by_key(|s| match s {
            Suggestion::Generalise { rows_to_suppress, min_group_size, generalisation, .. } => {
                (*rows_to_suppress, usize::MAX - min_group_size, *generalisation == Generalisation::Suppress)
            }
            Suggestion::Suppress { .. } => (usize::MAX, 0, true),
        });
        suggestions.push(Suggestion::Suppress { rows: to_suppress });
    }
    Ok(KAnonymityReport {
        k,
        quasi_identifiers: quasi.iter().map(|s| s.to_string()).collect(),
        n_rows: table.rows.len(),
        n_groups: groups.len(),
        min_group_size: (!groups.is_empty()).then_some(min),
        violating,
        suggestions,
    })
}

/// A sequence of generalisations that makes a table k-anonymous after
/// suppressing at most a stated number of rows: see [`plan_k_anonymity`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// The steps, in order (a column may appear twice: its hierarchy, then `*`).
    pub steps: Vec<(String, Generalisation)>,
    /// Rows still in groups smaller than k after the steps: to be suppressed.
    pub rows_to_suppress: usize,
    /// Smallest group after the steps and the suppression (`None` if nothing is left).
    pub min_group_size: Option<usize>,
    /// The generalised table, with the rows to suppress removed.
    pub table: Table,
}

/// Greedy search for a release: repeatedly applies the single step (a
/// column's hierarchy, or `*` for a column already generalised or without
/// one) that leaves the fewest rows in groups below k, until at most
/// `max_suppressed` rows remain in such groups; those rows are then dropped.
/// Greedy, so not minimal in information loss (optimal k-anonymisation is
/// NP-hard; Meyerson & Williams 2004), but every step and the suppressed count
/// are reported.
///
/// Errors as for [`check_k_anonymity`].
pub fn plan_k_anonymity(
    table: &Table,
    quasi: &[&str],
    k: usize,
    hierarchies: &[(&str, Generalisation)],
    max_suppressed: usize,
) -> Result<Plan> {
    if k == 0 {
        return Err(Error::param("k", "k-anonymity needs k ≥ 1").into());
    }
    let idx = quasi_indices(table, quasi)?;
    for (c, g) in hierarchies {
        table.column_index(c)?;
        g.check()?;
    }
    let mut current = table.clone();
    // 0 = raw, 1 = hierarchy applied, 2 = suppressed.
    let mut level = vec![0u8; idx.len()];
    let mut steps = Vec::new();
    loop {
        let (_, bad) = violations(&current.groups(&idx), k);
        if bad <= max_suppressed {
            break;
        }
        let mut best: Option<(usize, usize, Generalisation, Table)> = None;
        for (pos, &col) in idx.iter().enumerate() {
            let g = match (level[pos], hierarchies.iter().find(|(c, _)| *c == quasi[pos])) {
                (0, Some((_, g))) => g.clone(),
                (2, _) => continue,
                _ => Generalisation::Suppress,
            };
            let mut trial = current.clone();
            for r in trial.rows.iter_mut() {
                r[col] = g.apply(&r[col]).unwrap_or_else(|_| "*".into());
            }
            let (_, s) = violations(&trial.groups(&idx), k);
            if best.as_ref().is_none_or(|b| s < b.1) {
                best = Some((pos, s, g, trial));
            }
        }
        let Some((pos, _, g, trial)) = best else { break };
        level[pos] = if g == Generalisation::Suppress { 2 } else { 1 };
        steps.push((quasi[pos].to_owned(), g));
        current = trial;
    }
    let groups = current.groups(&idx);
    let drop: Vec<bool> = {
        let mut d = vec![false; current.rows.len()];
        for rows in groups.values().filter(|g| g.len() < k) {
            for &r in rows {
                d[r] = true;
            }
        }
        d
    };
    let rows_to_suppress = drop.iter().filter(|&&d| d).count();
    let rows: Vec<Vec<String>> = current.rows.into_iter().zip(drop).filter(|(_, d)| !d).map(|(r, _)| r).collect();
    let table = Table { columns: current.columns, rows };
    let min_group_size = table.groups(&idx).values().map(Vec::len).min();
    Ok(Plan { steps, rows_to_suppress, min_group_size, table })
}

/// A quasi-identifier group judged for l-diversity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiversityGroup {
    /// The quasi-identifier values.
    pub key: Vec<String>,
    /// Rows in the group.
    pub size: usize,
    /// Distinct sensitive values in the group.
    pub distinct: usize,
    /// exp(entropy) of the group's sensitive values: the "effective number"
    /// of values (entropy l-diversity holds when this is ≥ l).
    pub entropy_l: f64,
}

/// The result of [`check_l_diversity`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LDiversityReport {
    /// The l checked.
    pub l: usize,
    /// Fewest distinct sensitive values in any group (`None` for an empty table).
    pub min_distinct: Option<usize>,
    /// Smallest exp(entropy) over the groups (`None` for an empty table).
    pub min_entropy_l: Option<f64>,
    /// Groups with fewer than l distinct sensitive values, fewest first.
    pub violating: Vec<DiversityGroup>,
}

impl LDiversityReport {
    /// Whether every group has at least l distinct sensitive values.
    pub fn is_l_diverse(&self) -> bool {
        self.violating.is_empty()
    }
}

/// Checks distinct l-diversity (Machanavajjhala et al. 2007): every
/// quasi-identifier group must hold at least `l` distinct values of the
/// sensitive column, so that knowing someone's group does not reveal their
/// sensitive value (the homogeneity attack that k-anonymity alone allows).
/// Entropy l-diversity is reported alongside ([`DiversityGroup::entropy_l`]).
///
/// Errors as for [`check_k_anonymity`], with `l = 0` rejected.
pub fn check_l_diversity(table: &Table, quasi: &[&str], sensitive: &str, l: usize) -> Result<LDiversityReport> {
    if l == 0 {
        return Err(Error::param("l", "l-diversity needs l ≥ 1").into());
    }
    let idx = quasi_indices(table, quasi)?;
    let s = table.column_index(sensitive)?;
    let groups = table.groups(&idx);
    let mut all = Vec::with_capacity(groups.len());
    for (key, rows) in &groups {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for &r in rows {
            *counts.entry(table.rows[r][s].as_str()).or_default() += 1;
        }
        let n = rows.len() as f64;
        let h: f64 = counts.values().map(|&c| c as f64 / n).map(|p| -p * p.ln()).sum();
        all.push(DiversityGroup {
            key: key.iter().map(|s| s.to_string()).collect(),
            size: rows.len(),
            distinct: counts.len(),
            entropy_l: h.exp(),
        });
    }
    let min_distinct = all.iter().map(|g| g.distinct).min();
    let min_entropy_l = all.iter().map(|g| g.entropy_l).min_by(f64::total_cmp);
    let mut violating: Vec<DiversityGroup> = all.into_iter().filter(|g| g.distinct < l).collect();
    violating.sort_by_key(|g| g.distinct);
    Ok(LDiversityReport { l, min_distinct, min_entropy_l, violating })
}

/// The size of the smallest group (`None` when there are none).
pub fn min_group_size(sizes: impl IntoIterator<Item = usize>) -> Option<usize> {
    sizes.into_iter().min()
}

/// A report table with its small groups taken out.
#[derive(Debug, Clone, PartialEq)]
pub struct Suppressed<T> {
    /// The rows of groups with at least k members, in their original order.
    pub kept: Vec<T>,
    /// How many groups were taken out.
    pub n_groups_suppressed: usize,
    /// Members of the groups taken out, shown only when they add up to at
    /// least k (so that an "other" line cannot single anyone out either).
    pub other: Option<usize>,
}

/// Takes the groups with fewer than `k` members out of a report table
/// (segment profiles, CLV bands, …) so the report never prints a group
/// smaller than k. `size` gives each row's group size.
///
/// The members of the suppressed groups may be shown as one "other" line
/// ([`Suppressed::other`]) when together they reach k. Beware of totals
/// printed elsewhere: a grand total minus the kept rows gives the suppressed
/// rows' total back (see `docs/privacy.md`).
///
/// ```
/// use shopml_privacy::suppress_small_groups;
/// let segments = vec![("loyal", 120), ("lapsed", 3), ("big spenders", 4), ("new", 40)];
/// let s = suppress_small_groups(segments, 5, |s| s.1);
/// assert_eq!(s.kept, vec![("loyal", 120), ("new", 40)]);
/// assert_eq!((s.n_groups_suppressed, s.other), (2, Some(7)));
/// ```
pub fn suppress_small_groups<T>(rows: Vec<T>, k: usize, size: impl Fn(&T) -> usize) -> Suppressed<T> {
    let mut kept = Vec::with_capacity(rows.len());
    let mut n_groups_suppressed = 0;
    let mut members = 0usize;
    for r in rows {
        let s = size(&r);
        if s < k {
            n_groups_suppressed += 1;
            members = members.saturating_add(s);
        } else {
            kept.push(r);
        }
    }
    let other = (n_groups_suppressed > 0 && members >= k).then_some(members);
    Suppressed { kept, n_groups_suppressed, other }
}
