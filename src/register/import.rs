//! Merging exports into the register store.
//!
//! A newer export replaces the marks of the sessions it covers; every mark that changes is logged
//! in `changes.csv` (the audit trail a register amendment needs). A pupil missing from an export
//! keeps the marks already held; a session an export does not cover keeps its mark. Pupil details
//! are updated from the export's columns (a blank cell never erases a detail), and every change is
//! logged in `pupil-changes.csv`.
//!
//! Everything is computed in memory first; the files are written together in one transaction, so
//! an import that fails or is killed leaves the store as it was.

use super::cache;
use super::read::{Export, ExportPupil, NOT_COVERED};
use super::store::{
    self, CHANGES_FILE, CHANGES_HEADER, IMPORTS_FILE, IMPORTS_HEADER, PUPIL_CHANGES_FILE,
    PUPIL_CHANGES_HEADER, PUPILS_FILE,
};
use super::{MarkGrid, Pupil, WEEK_SLOTS, session_at};
use crate::codes::{Code, CodeSet};
use crate::dates::{AcademicYear, Session};
use crate::fsutil::{self, Transaction};
use crate::text::plural;
use crate::upn::PupilId;
use anyhow::Result;
use chrono::NaiveDate;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// What one export did to the store.
#[derive(Debug, Clone, Default)]
pub struct ImportSummary {
    pub file_name: String,
    pub sha256: String,
    pub layout: &'static str,
    pub encoding: &'static str,
    pub rows: usize,
    pub pupils: usize,
    pub new_pupils: usize,
    pub sessions: usize,
    pub first_session: Option<Session>,
    pub last_session: Option<Session>,
    pub marks_new: usize,
    pub marks_changed: usize,
    /// Of the changed marks, those the export left blank where a mark was held.
    pub marks_removed: usize,
    pub marks_unchanged: usize,
    pub no_mark_cells: usize,
    pub detail_changes: usize,
    pub code_sets: BTreeSet<CodeSet>,
    pub notices: Vec<String>,
    pub warnings: Vec<String>,
    /// When this very file (same SHA-256) was imported before, if it was.
    pub imported_before: Option<String>,
}

impl ImportSummary {
    pub fn changed_anything(&self) -> bool {
        self.marks_new + self.marks_changed + self.new_pupils + self.detail_changes > 0
    }
}

/// The store, loaded for an import.
pub struct Store {
    dir: std::path::PathBuf,
    /// Sorted by id.
    pupils: Vec<Pupil>,
    years: BTreeMap<AcademicYear, MarkGrid>,
    touched_years: BTreeSet<AcademicYear>,
    pupils_changed: bool,
    changes: Vec<Vec<String>>,
    pupil_changes: Vec<Vec<String>>,
    imports: Vec<Vec<String>>,
    previous_imports: BTreeMap<String, String>,
}

/// An export merged before its file's fingerprint was known ([`Store::merge_before_fingerprint`]):
/// its summary, and the log lines that wait for the fingerprint.
#[must_use = "the import's log lines need its fingerprint: give it to Store::fingerprint"]
pub struct AwaitingFingerprint {
    summary: ImportSummary,
    changes: std::ops::Range<usize>,
    pupil_changes: std::ops::Range<usize>,
    imports: std::ops::Range<usize>,
}

impl Store {
    pub fn open(register_dir: &Path) -> Result<Store> {
        let pupils = store::load_pupils(register_dir)?;
        let previous_imports = store::read_log(register_dir, IMPORTS_FILE)?
            .into_iter()
            .skip(1)
            .filter(|r| r.len() >= 3)
            .map(|r| (r[2].clone(), r[0].clone()))
            .collect();
        Ok(Store {
            dir: register_dir.to_path_buf(),
            pupils,
            years: BTreeMap::new(),
            touched_years: BTreeSet::new(),
            pupils_changed: false,
            changes: Vec::new(),
            pupil_changes: Vec::new(),
            imports: Vec::new(),
            previous_imports,
        })
    }

    fn year(&mut self, y: AcademicYear) -> Result<&mut MarkGrid> {
        if !self.years.contains_key(&y) {
            let g = store::load_year(&self.dir, y)?;
            self.years.insert(y, g);
        }
        Ok(self.years.get_mut(&y).expect("inserted"))
    }

    /// Merge one export whose fingerprint (`export.sha256`) is known. `imported_at` is the time
    /// stamp written to the logs.
    pub fn merge(&mut self, mut export: Export, imported_at: &str) -> Result<ImportSummary> {
        let sha = std::mem::take(&mut export.sha256);
        let awaiting = self.merge_before_fingerprint(export, imported_at)?;
        Ok(self.fingerprint(awaiting, sha))
    }

    /// Merge one export before its file's fingerprint is known (it is worked out on another
    /// core meanwhile): what it logs is completed by [`Store::fingerprint`], which must come
    /// before [`Store::stage_logs`].
    pub fn merge_before_fingerprint(
        &mut self,
        mut export: Export,
        imported_at: &str,
    ) -> Result<AwaitingFingerprint> {
        let logged_from = (
            self.changes.len(),
            self.pupil_changes.len(),
            self.imports.len(),
        );
        let mut s = ImportSummary {
            file_name: export.file_name.clone(),
            layout: export.layout.name(),
            encoding: export.encoding,
            rows: export.rows,
            pupils: export.pupils.len(),
            sessions: export.sessions,
            first_session: export.first_session,
            last_session: export.last_session,
            no_mark_cells: export.no_mark_cells,
            code_sets: export.code_sets.clone(),
            notices: export.notices.clone(),
            ..Default::default()
        };
        // the fingerprint (the third column) is filled in by `fingerprint`
        let log_prefix = [
            imported_at.to_string(),
            export.file_name.clone(),
            String::new(),
        ];

        // marks, year by year
        let n_slots = export.weeks.len() * WEEK_SLOTS;
        let slot_year: Vec<AcademicYear> = (0..n_slots)
            .map(|j| {
                AcademicYear::of(session_at(export.weeks[j / WEEK_SLOTS], j % WEEK_SLOTS).date)
            })
            .collect();
        // the slots any pupil's row covers, and whether each row covers any (worked out as the
        // export was read)
        let covered = &export.coverage.slots;
        let row_covers = export.coverage.rows.clone();
        let years: BTreeSet<AcademicYear> = (0..n_slots)
            .filter(|&j| covered[j])
            .map(|j| slot_year[j])
            .collect();
        let single_year = years.len() == 1;
        for y in years {
            let changed = self.merge_year(
                &mut export,
                y,
                &slot_year,
                single_year.then_some(row_covers.as_slice()),
                &log_prefix,
                &mut s,
            )?;
            if changed {
                self.touched_years.insert(y);
            }
        }

        s.warnings.extend(self.unresolved_n_warning(&export)?);

        // pupil details (moved out of the export: it is not needed after this)
        let detail_fields = export.detail_fields.clone();
        // the export's pupils merged into those held (both sorted by id)
        let old = std::mem::take(&mut self.pupils);
        if old.is_empty() {
            // nothing held before: every pupil is new, and the export's pupils (in id order)
            // become the register's, each in its place (no second copy of them)
            s.new_pupils += export.pupils.len();
            self.pupils_changed |= !export.pupils.is_empty();
            self.pupils = export.pupils.into_iter().map(|ep| ep.details).collect();
        } else {
            self.merge_pupils(old, export.pupils, &detail_fields, &log_prefix, &mut s);
        }
        if s.marks_removed > 0 {
            s.warnings.push(format!(
                "{} held before {} blank in this export and {} removed (logged in changes.csv)",
                plural(s.marks_removed, "mark"),
                if s.marks_removed == 1 { "is" } else { "are" },
                if s.marks_removed == 1 { "was" } else { "were" },
            ));
        }
        if s.changed_anything() {
            let sess = |x: Option<Session>| x.map(|x| x.to_string()).unwrap_or_default();
            let mut row = log_prefix.to_vec();
            row.extend([
                s.layout.to_string(),
                s.encoding.to_string(),
                s.rows.to_string(),
                s.pupils.to_string(),
                s.sessions.to_string(),
                sess(s.first_session),
                sess(s.last_session),
                s.marks_new.to_string(),
                s.marks_changed.to_string(),
                s.marks_unchanged.to_string(),
                s.no_mark_cells.to_string(),
            ]);
            self.imports.push(row);
        }
        Ok(AwaitingFingerprint {
            summary: s,
            changes: logged_from.0..self.changes.len(),
            pupil_changes: logged_from.1..self.pupil_changes.len(),
            imports: logged_from.2..self.imports.len(),
        })
    }

    /// Complete an import merged before its fingerprint was known: the fingerprint is written
    /// into each line it logged, and whether this very file was imported before is looked up.
    pub fn fingerprint(&mut self, a: AwaitingFingerprint, sha256: String) -> ImportSummary {
        let AwaitingFingerprint {
            mut summary,
            changes,
            pupil_changes,
            imports,
        } = a;
        for row in self.changes[changes]
            .iter_mut()
            .chain(&mut self.pupil_changes[pupil_changes])
            .chain(&mut self.imports[imports.clone()])
        {
            row[2].clone_from(&sha256);
        }
        summary.imported_before = self.previous_imports.get(&sha256).cloned();
        // logged as imported now (the time stamp is the import line's first column)
        if let Some(row) = self.imports[imports].first() {
            self.previous_imports.insert(sha256.clone(), row[0].clone());
        }
        summary.sha256 = sha256;
        summary
    }

    /// Merge the pupils of an export (sorted by id) into those held (`old`, sorted by id): a new
    /// pupil is added; a pupil held has each detail the export gives that differs changed, and
    /// the change logged.
    fn merge_pupils(
        &mut self,
        old: Vec<Pupil>,
        new: Vec<ExportPupil>,
        detail_fields: &[Cow<'static, str>],
        log_prefix: &[String; 3],
        s: &mut ImportSummary,
    ) {
        let mut merged: Vec<Pupil> = Vec::with_capacity(old.len() + new.len());
        let mut old = old.into_iter().peekable();
        for ep in new {
            let new = ep.details;
            while let Some(o) = old.next_if(|o| o.id < new.id) {
                merged.push(o);
            }
            match old.next_if(|o| o.id == new.id) {
                None => {
                    merged.push(new);
                    s.new_pupils += 1;
                    self.pupils_changed = true;
                }
                Some(mut o) => {
                    for field in detail_fields {
                        let field: &str = field;
                        let (was, now) = (o.field(field), new.field(field));
                        if !now.is_empty() && was != now {
                            let (was, now) = (was.into_owned(), now.into_owned());
                            o.set_field(field, &now);
                            let mut row = log_prefix.to_vec();
                            row.extend([new.id.to_string(), field.to_string(), was, now]);
                            self.pupil_changes.push(row);
                            s.detail_changes += 1;
                            self.pupils_changed = true;
                        }
                    }
                    merged.push(o);
                }
            }
        }
        merged.extend(old);
        self.pupils = merged;
    }

    /// Merge the export's sessions of academic year `y`. Returns whether any mark changed.
    fn merge_year(
        &mut self,
        export: &mut Export,
        y: AcademicYear,
        slot_year: &[AcademicYear],
        // when the export covers one year only: per row, whether it covers any slot
        single_year: Option<&[bool]>,
        log_prefix: &[String; 3],
        s: &mut ImportSummary,
    ) -> Result<bool> {
        let old = std::mem::take(self.year(y)?);
        // the new grid's weeks and pupils: the old ones and the export's in this year
        let mut weeks: Vec<NaiveDate> = old.weeks.clone();
        for (w, m) in export.weeks.iter().enumerate() {
            if (0..WEEK_SLOTS).any(|k| slot_year[w * WEEK_SLOTS + k] == y) {
                weeks.push(*m);
            }
        }
        weeks.sort();
        weeks.dedup();
        let in_year = |i: usize| match single_year {
            // every slot covered is in the year
            Some(row_covers) => row_covers[i],
            None => export
                .row(i)
                .iter()
                .enumerate()
                .any(|(j, &v)| v != NOT_COVERED && slot_year[j] == y),
        };
        let mut ids: Vec<PupilId> = old.ids.clone();
        let mut add: Vec<PupilId> = (0..export.pupils.len())
            .filter(|&i| in_year(i))
            .map(|i| export.pupils[i].details.id.clone())
            .collect();
        ids.append(&mut add);
        ids.sort();
        ids.dedup();
        if old.ids.is_empty() {
            // nothing held for this year yet: every mark is new
            let grid = fresh_grid(export, y, slot_year, single_year.is_some(), weeks, ids, s);
            let changed = s.marks_new > 0;
            self.years.insert(y, grid);
            return Ok(changed);
        }
        let mut grid = if weeks == old.weeks && ids == old.ids {
            old
        } else {
            store::combine(&[old], &ids).with_weeks(&weeks)
        };
        let wmap: Vec<Option<usize>> = export.weeks.iter().map(|m| grid.week_index(*m)).collect();
        let n = grid.row_len();
        let mut changed = false;
        let mut r = 0;
        for (i, ep) in export.pupils.iter().enumerate() {
            let marks = export.row(i);
            while r < grid.ids.len() && grid.ids[r] < ep.details.id {
                r += 1;
            }
            if r == grid.ids.len() || grid.ids[r] != ep.details.id {
                continue; // no marks in this year
            }
            let row = &mut grid.marks[r * n..(r + 1) * n];
            for (w, to) in wmap.iter().enumerate() {
                let Some(to) = to else { continue };
                for k in 0..WEEK_SLOTS {
                    let j = w * WEEK_SLOTS + k;
                    let v = marks[j];
                    if v == NOT_COVERED || slot_year[j] != y {
                        continue;
                    }
                    let cur = &mut row[to * WEEK_SLOTS + k];
                    if *cur == v {
                        if v != 0 {
                            s.marks_unchanged += 1;
                        }
                        continue;
                    }
                    changed = true;
                    if *cur == 0 {
                        s.marks_new += 1;
                    } else {
                        s.marks_changed += 1;
                        if v == 0 {
                            s.marks_removed += 1;
                        }
                        let sess = session_at(export.weeks[w], k);
                        let text = |b: u8| {
                            Code::from_u8(b)
                                .map(|c| c.as_str())
                                .unwrap_or("")
                                .to_string()
                        };
                        let mut log = log_prefix.to_vec();
                        log.extend([
                            ep.details.id.to_string(),
                            sess.date.to_string(),
                            sess.half.as_str().to_string(),
                            text(*cur),
                            text(v),
                        ]);
                        self.changes.push(log);
                    }
                    *cur = v;
                }
            }
        }
        self.years.insert(y, grid);
        Ok(changed)
    }

    /// `N` (reason not yet established) marks more than 5 school days before the export's last
    /// session: they should have been resolved.
    fn unresolved_n_warning(&mut self, export: &Export) -> Result<Option<String>> {
        let Some(last) = export.last_session else {
            return Ok(None);
        };
        let y = AcademicYear::of(last.date);
        let grid = self.year(y)?;
        if grid.ids.is_empty() {
            return Ok(None);
        }
        // the last 5 school days up to the export's last session: scan back from it for days
        // on which the school held a session (someone has a mark other than # or Z)
        let closed = [0, Code::Closed.as_u8(), Code::Z.as_u8()];
        let held = |j: usize| (0..grid.ids.len()).any(|i| !closed.contains(&grid.row(i)[j]));
        let end = grid.slot_after(last.date);
        let mut days: Vec<NaiveDate> = Vec::new();
        let mut j = end;
        let n_days = Code::N_RESOLVE_SCHOOL_DAYS;
        while j > 0 && days.len() < n_days {
            j -= 1;
            let d = grid.session(j).date;
            if days.last() != Some(&d) && held(j) {
                days.push(d);
            }
        }
        if days.len() < n_days {
            return Ok(None);
        }
        let cutoff = days[n_days - 1]; // N before this is older than 5 school days
        let old_slots = grid.slot_on_or_after(cutoff);
        let nb = Code::N.as_u8();
        // every row is looked at: the pupils are split across the machine's cores
        let grid: &MarkGrid = grid;
        let (count, pupils) = crate::parallel::map_ranges(grid.ids.len(), 8192, |rows| {
            let (mut count, mut pupils) = (0, 0);
            for i in rows {
                // memchr's count (a byte-wise count vectorises far better than a filter's)
                let here = memchr::memchr_iter(nb, &grid.row(i)[..old_slots]).count();
                count += here;
                pupils += usize::from(here > 0);
            }
            (count, pupils)
        })
        .into_iter()
        .fold((0, 0), |(c, p), (c2, p2)| (c + c2, p + p2));
        Ok((count > 0).then(|| {
            format!(
                "{} (reason not yet established) for {} {} older than {n_days} school days and still unresolved; N counts as unauthorised absence until it is re-coded (attend due lists them, pupil by pupil)",
                plural(count, "N mark"),
                plural(pupils, "pupil"),
                if count == 1 { "is" } else { "are" },
            )
        }))
    }

    /// The pupils as they stand after the exports merged so far (sorted by id).
    pub fn pupils(&self) -> &[Pupil] {
        &self.pupils
    }

    /// When a file with this SHA-256 was imported before, if it was.
    pub fn imported_before(&self, sha256: &str) -> Option<String> {
        self.previous_imports.get(sha256).cloned()
    }

    /// Log an import of another kind (a contacts export) in `imports.csv`: `row` holds the
    /// columns after `imported_at,source_file,source_sha256`.
    pub fn log_import(&mut self, imported_at: &str, file: &str, sha256: &str, row: Vec<String>) {
        let mut r = vec![
            imported_at.to_string(),
            file.to_string(),
            sha256.to_string(),
        ];
        r.extend(row);
        self.imports.push(r);
        self.previous_imports
            .insert(sha256.to_string(), imported_at.to_string());
    }

    /// Stage the changed marks files and `pupils.csv` in `tx` (they do not need the imports'
    /// fingerprints, so they can be written while those are worked out).
    ///
    /// Beside each marks file, its cache ([`cache`]: the marks as the file reads back) is written
    /// from the same grid on another core; it is moved into place after the files the
    /// transaction saves. A cache that cannot be written is left out: the marks are then read
    /// from the marks file.
    pub fn stage_marks(&self, tx: &mut Transaction) -> Result<()> {
        let root = tx.root().clone();
        // pupils.csv's text is made on another core while the marks files are written
        std::thread::scope(|sc| -> Result<()> {
            let pupils = self
                .pupils_changed
                .then(|| sc.spawn(|| store::pupils_text(self.pupils.iter())));
            let mut caches = Vec::new();
            let mut staged = Ok(());
            for y in &self.touched_years {
                let g = &self.years[y];
                // the cache is written from the grid on another core; it waits, at its end,
                // for the marks file's length and hash
                let (send, receive) = std::sync::mpsc::channel();
                let target = cache::cache_path(&self.dir, *y);
                let (root, to, y) = (&root, target.clone(), *y);
                let writer = sc.spawn(move || {
                    fsutil::stage_derived(root, &to, |w| cache::write(w, g, y, receive))
                });
                staged = tx.write_with(&store::marks_path(&self.dir, y), |w| {
                    let mut w = cache::Hashing::new(w);
                    store::write_marks(g, y, &mut w)?;
                    // (were it written twice, the first length and hash would stand, and the
                    // cache would never be used)
                    let _ = send.send(w.digest());
                    Ok(())
                });
                drop(send);
                caches.push((writer, target));
                if staged.is_err() {
                    break;
                }
            }
            // pupils.csv is written while the caches are still being written
            if let (Ok(()), Some(text)) = (&staged, pupils) {
                let text = text.join().expect("pupils.csv text");
                staged = tx.write(&self.dir.join(PUPILS_FILE), text.as_bytes());
            }
            // each cache written is kept when everything else is staged, and removed if not
            for (writer, target) in caches {
                let Ok(tmp) = writer.join().expect("the cache's writer") else {
                    continue;
                };
                // (never without the folder's .gitignore; a cache left out is no failure)
                let ignore = self.dir.join(cache::CACHE_DIR).join(".gitignore");
                let keep = staged.is_ok()
                    && (ignore.exists()
                        || tx.write(&ignore, cache::CACHE_GITIGNORE.as_bytes()).is_ok());
                if keep {
                    tx.adopt_derived(tmp, &target)?;
                } else {
                    let _ = std::fs::remove_file(tmp);
                }
            }
            staged
        })
    }

    /// Stage the logs (`changes.csv`, `pupil-changes.csv`, `imports.csv`) in `tx`, once every
    /// import's fingerprint is in them. Returns whether anything is staged in `tx`.
    pub fn stage_logs(&self, tx: &mut Transaction) -> Result<bool> {
        let fingerprinted = |rows: &[Vec<String>]| rows.iter().all(|r| !r[2].is_empty());
        anyhow::ensure!(
            fingerprinted(&self.changes)
                && fingerprinted(&self.pupil_changes)
                && fingerprinted(&self.imports),
            "an import's fingerprint is not yet in the logs (a fault in attend: please report it); nothing was changed"
        );
        for (file, header, rows) in [
            (CHANGES_FILE, CHANGES_HEADER, &self.changes),
            (
                PUPIL_CHANGES_FILE,
                PUPIL_CHANGES_HEADER,
                &self.pupil_changes,
            ),
            (IMPORTS_FILE, IMPORTS_HEADER, &self.imports),
        ] {
            if !rows.is_empty() {
                tx.write(
                    &self.dir.join(file),
                    &store::appended_log(&self.dir, file, header, rows)?,
                )?;
            }
        }
        Ok(!tx.is_empty())
    }
}

/// A year's grid built straight from an export when the store holds nothing for the year.
fn fresh_grid(
    export: &mut Export,
    y: AcademicYear,
    slot_year: &[AcademicYear],
    single_year: bool,
    weeks: Vec<NaiveDate>,
    ids: Vec<PupilId>,
    s: &mut ImportSummary,
) -> MarkGrid {
    // the usual case: one year, the export's weeks are the grid's, every pupil has marks in it:
    // the export's marks become the grid (no copy)
    if single_year && export.weeks == weeks && ids.len() == export.pupils.len() {
        let mut marks = std::mem::take(&mut export.marks);
        // "not covered" becomes "no mark", if the export has any such cell (a wide export has
        // none when it has a column for each session of its weeks), on the machine's cores
        let n = weeks.len() * WEEK_SLOTS;
        if export.coverage.not_covered > 0 && export.coverage.only_whole_slots() && n > 0 {
            // only in the slots no row covers (as in a wide export): only they are written
            let missing: Vec<usize> = (0..n).filter(|&j| !export.coverage.slots[j]).collect();
            for row in marks.chunks_exact_mut(n) {
                for &j in &missing {
                    row[j] = 0;
                }
            }
        } else if export.coverage.not_covered > 0 {
            crate::parallel::map_parts_mut(&mut marks, 1 << 20, |part| {
                for v in part.iter_mut() {
                    if *v == NOT_COVERED {
                        *v = 0;
                    }
                }
            });
        }
        s.marks_new += export.coverage.marked;
        return MarkGrid {
            weeks,
            ids,
            marks: marks.into(),
        };
    }
    let n = weeks.len() * WEEK_SLOTS;
    let wmap: Vec<usize> = export
        .weeks
        .iter()
        .map(|m| weeks.binary_search(m).unwrap_or(usize::MAX))
        .collect();
    let mut marks = vec![0u8; ids.len() * n];
    let mut r = 0;
    let mut new = 0usize;
    for (i, ep) in export.pupils.iter().enumerate() {
        if r == ids.len() || ids[r] != ep.details.id {
            continue; // no marks in this year
        }
        let src = export.row(i);
        let row = &mut marks[r * n..(r + 1) * n];
        for (w, &to) in wmap.iter().enumerate() {
            if to == usize::MAX {
                continue;
            }
            for k in 0..WEEK_SLOTS {
                let j = w * WEEK_SLOTS + k;
                let v = src[j];
                if v != NOT_COVERED && v != 0 && slot_year[j] == y {
                    row[to * WEEK_SLOTS + k] = v;
                    new += 1;
                }
            }
        }
        r += 1;
    }
    s.marks_new += new;
    MarkGrid {
        weeks,
        ids,
        marks: marks.into(),
    }
}

impl MarkGrid {
    /// The same marks laid out over `weeks` (a superset of the grid's weeks).
    pub fn with_weeks(self, weeks: &[NaiveDate]) -> MarkGrid {
        if weeks == self.weeks.as_slice() {
            return self;
        }
        let n = weeks.len() * WEEK_SLOTS;
        let wmap: Vec<usize> = self
            .weeks
            .iter()
            .map(|m| weeks.binary_search(m).expect("superset"))
            .collect();
        let mut marks = vec![0u8; self.ids.len() * n];
        for i in 0..self.ids.len() {
            let src = self.row(i);
            for (w, &to) in wmap.iter().enumerate() {
                marks[i * n + to * WEEK_SLOTS..i * n + (to + 1) * WEEK_SLOTS]
                    .copy_from_slice(&src[w * WEEK_SLOTS..(w + 1) * WEEK_SLOTS]);
            }
        }
        MarkGrid {
            weeks: weeks.to_vec(),
            ids: self.ids,
            marks: marks.into(),
        }
    }
}

/// A time stamp for the logs, as they write it: `2025-01-31T14:05:00Z` (UTC).
pub fn log_timestamp(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::register::read::{NoProgress, ReadOptions, read_export};

    /// An export's text read and merged into an empty register.
    fn first_import(text: &str) -> (tempfile::TempDir, Store, ImportSummary) {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("export.csv");
        std::fs::write(&file, text).unwrap();
        let reg = dir.path().join("register");
        std::fs::create_dir(&reg).unwrap();
        let export = read_export(&file, &ReadOptions::default(), &NoProgress).unwrap();
        let mut store = Store::open(&reg).unwrap();
        let s = store.merge(export, "2024-09-20T10:00:00").unwrap();
        (dir, store, s)
    }

    #[test]
    fn sessions_a_first_export_has_no_cell_for_are_held_as_no_mark() {
        // Wednesday 4 September 2024 only: the rest of its week has no column (a wide export),
        // or no row (a long one, where the second pupil has no row for the afternoon either)
        let wide = "UPN,Surname,Forename,04/09/2024 AM,04/09/2024 PM\n\
                    B801200005001,A,B,/,N\nQ801200005002,C,D,L,\n";
        let long = "UPN,Surname,Forename,Date,Session,Mark\n\
                    B801200005001,A,B,04/09/2024,AM,/\nB801200005001,A,B,04/09/2024,PM,N\n\
                    Q801200005002,C,D,04/09/2024,AM,L\n";
        for text in [wide, long] {
            let (_dir, store, s) = first_import(text);
            assert_eq!(s.marks_new, 3);
            let grid = &store.years[&AcademicYear(2024)];
            let code = |c: Code| c.as_u8();
            let mut want = vec![0u8; 2 * WEEK_SLOTS];
            want[4] = code(Code::PresentAm);
            want[5] = code(Code::N);
            want[WEEK_SLOTS + 4] = code(Code::L);
            assert_eq!(grid.marks, want, "{text}");
        }
    }

    #[test]
    fn n_marks_older_than_five_school_days_are_counted_each_once() {
        // two weeks from Monday 2 September 2024; N on the first Monday (both sessions) for one
        // pupil, on the first Tuesday morning and the last Friday afternoon for the other: the
        // last is within 5 school days of the export's end, so not yet overdue
        let days: Vec<NaiveDate> = (0..14)
            .map(|k| NaiveDate::from_ymd_opt(2024, 9, 2).unwrap() + chrono::Duration::days(k))
            .filter(|d| chrono::Datelike::weekday(d).num_days_from_monday() < 5)
            .collect();
        let mut text = String::from("UPN,Surname,Forename");
        for d in &days {
            text.push_str(&format!(
                ",{} AM,{} PM",
                d.format("%d/%m/%Y"),
                d.format("%d/%m/%Y")
            ));
        }
        text.push('\n');
        for (upn, n_at) in [("B801200005001", [0, 1]), ("Q801200005002", [2, 19])] {
            text.push_str(upn);
            text.push_str(",A,B");
            for k in 0..days.len() * 2 {
                text.push_str(if n_at.contains(&k) { ",N" } else { ",/" });
            }
            text.push('\n');
        }
        let (_dir, _store, s) = first_import(&text);
        let warning = s
            .warnings
            .iter()
            .find(|w| w.contains("reason not yet established"))
            .expect("a warning of overdue N marks");
        assert!(
            warning.starts_with(
                "3 N marks (reason not yet established) for 2 pupils are older than 5 school days"
            ),
            "{warning}"
        );
    }

    #[test]
    fn the_logs_are_not_staged_while_an_imports_fingerprint_is_awaited() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("export.csv");
        std::fs::write(
            &file,
            "UPN,Surname,Forename,04/09/2024 AM\nB801200005001,A,B,/\n",
        )
        .unwrap();
        let reg = dir.path().join("register");
        std::fs::create_dir(&reg).unwrap();
        let (export, pending) = crate::register::read::read_export_fingerprint_pending(
            &file,
            &ReadOptions::default(),
            &NoProgress,
        )
        .unwrap();
        let mut store = Store::open(&reg).unwrap();
        let merged = store
            .merge_before_fingerprint(export, "2024-09-20T10:00:00Z")
            .unwrap();
        let root = crate::fsutil::Root::new(dir.path(), crate::fsutil::Modes::PRIVATE).unwrap();
        let mut tx = Transaction::new(&root);
        store.stage_marks(&mut tx).unwrap();
        assert!(
            store.stage_logs(&mut tx).is_err(),
            "the import log would lack the file's fingerprint"
        );
        let sha = pending.wait().unwrap();
        assert_eq!(sha.len(), 64);
        let s = store.fingerprint(merged, sha.clone());
        assert_eq!(s.sha256, sha);
        assert!(store.stage_logs(&mut tx).unwrap());
        assert!(store.imports.iter().all(|r| r[2] == sha) && !store.imports.is_empty());
    }
}
