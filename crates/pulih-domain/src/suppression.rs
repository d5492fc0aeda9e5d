//! Complementary small-cell suppression over the region tree, for one figure and one
//! period: which figures of the nation, provinces, regencies, districts and villages are
//! shown as "<5" so that no count from 1 to 4 can be read or worked out.
//!
//! Hiding each small count alone ([`crate::figures::Count`]) is not enough: a regency of
//! 10 with districts of 7 and "<5" gives the hidden 3 away by subtraction. The tree is a
//! set of equations, one per node with children: its value is the sum of its children's
//! plus a *remainder*, the records placed at the node itself (a client registered at a
//! regency, not a village). The remainder is never shown, but it can be worked out when
//! the node and all its children are, so it is a cell like the others: primary when it
//! is 1–4, and known to an attacker unless hidden. A hidden cell can be worked out
//! exactly from the known ones iff it is a bridge of the graph whose vertices are the
//! equations plus a sink and whose edges are the hidden cells (a cell joins the
//! equations it appears in; a leaf, a remainder or the nation also joins the sink).
//! [`exposed`] lists those cells.
//!
//! [`suppress`] is a port of the simple heuristic of sdcTable (`suppConstraints`), in
//! the top-down order of τ-ARGUS' modular method:
//! 1. hide every cell from 1 to 4 (primary) and every forced cell;
//! 2. settle the equations, the highest pending one first, until none needs more: an
//!    equation with exactly one hidden cell, with two of which one is 1 (that one person
//!    could subtract themself), or whose shown total leaves hidden cells adding up to 1–4,
//!    hides one more cell. It takes the smallest positive child (the remainder counts
//!    as one), else the node itself, else a zero cell; ties go to a fixed hash of the code.
//!
//! A node with one child and nothing placed at itself therefore shares the child's
//! status. Every equation ends with no hidden cell or at least two, and in a tree that
//! leaves no bridge: from either end of a hidden cell a path of other hidden cells runs
//! down (or up to the nation) to the sink. For the same reason [`exposed`] needs no
//! Tarjan search: a bridge cuts off equations that do not reach the sink; in a tree they
//! form a tree, whose leaves have a single unknown cell, so peeling equations with one
//! unknown finds exactly the bridges. Both run in near-linear time: an equation is checked again only
//! when one of its cells is hidden.
//!
//! Policy: 0 is shown as 0 and is hidden only when nothing else can partner a hidden
//! cell, which happens only with forced cells (a cell hidden in a published period that
//! corrections brought to 0). The same values and forced cells always give the same
//! pattern, whatever their order, so that a reload cannot be compared with another.
//! This protects against the tree's equations only; figures shown side by side (a year
//! and its months, a figure and its part) need a rank check over the extra equations.

use std::cmp::Reverse;
use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap};
use std::fmt;
use std::ops::Range;

use crate::figures::SMALL_CELL;
use crate::region::{RegionCode, RegionLevel};

/// A node of the region tree: the nation, or a region.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Node {
    /// All of Indonesia, above the provinces.
    Nation,
    /// A province, regency, district or village.
    Region(RegionCode),
}

impl Node {
    fn parent(&self) -> Option<Self> {
        match self {
            Self::Nation => None,
            Self::Region(code) => Some(code.parent().map_or(Self::Nation, Self::Region)),
        }
    }

    /// `ID` for the nation, else the region's code.
    fn label(&self) -> &str {
        match self {
            Self::Nation => "ID",
            Self::Region(code) => code.as_str(),
        }
    }

    fn depth(&self) -> usize {
        match self {
            Self::Nation => 0,
            Self::Region(code) => match code.level() {
                RegionLevel::Province => 1,
                RegionLevel::Regency => 2,
                RegionLevel::District => 3,
                RegionLevel::Village => 4,
            },
        }
    }
}

impl fmt::Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A cell of the table: a node's figure, or its remainder (the part placed at the node
/// itself and in none of its children; a node without children has none).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Cell {
    /// The figure of a node, shown unless hidden.
    Node(Node),
    /// The remainder of a node, never shown; hidden when it cannot be worked out.
    Remainder(Node),
}

/// The cells hidden in one figure and period.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pattern(BTreeSet<Cell>);

impl Pattern {
    /// Whether `node`'s figure is shown as "<5".
    pub fn hides(&self, node: &Node) -> bool {
        self.0.contains(&Cell::Node(node.clone()))
    }

    /// The hidden cells, remainders included.
    pub fn cells(&self) -> &BTreeSet<Cell> {
        &self.0
    }
}

impl FromIterator<Cell> for Pattern {
    fn from_iter<I: IntoIterator<Item = Cell>>(cells: I) -> Self {
        Self(cells.into_iter().collect())
    }
}

/// Values that do not form a tree of counts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TreeError {
    /// A node was given two values.
    #[error("node {0} has two values")]
    Duplicate(Node),
    /// A node's children add up to more than the node.
    #[error("the children of {0} add up to more than its value")]
    ChildrenExceed(Node),
}

/// The cells to hide, given every node's value (a node not given is 0) and the nodes to
/// keep hidden whatever their value (a closed period's published pattern).
pub fn suppress(
    values: impl IntoIterator<Item = (Node, u64)>,
    forced: impl IntoIterator<Item = Node>,
) -> Result<Pattern, TreeError> {
    let forced: Vec<Cell> = forced.into_iter().map(Cell::Node).collect();
    let tree = Tree::build(values, &forced)?;
    let mut run = Run::new(&tree);
    let primary = tree
        .cells()
        .filter(|&c| (1..SMALL_CELL).contains(&tree.value(c)));
    for c in primary.chain(tree.ids(&forced)).collect::<Vec<_>>() {
        run.hide(c);
    }
    run.settle_all();
    Ok(tree.pattern(&run.hidden))
}

/// The hidden cells of `pattern` that the shown figures and the tree's equations give
/// away exactly; none when the pattern protects every hidden cell. A remainder of a node
/// without children is the node itself and is ignored.
pub fn exposed(
    values: impl IntoIterator<Item = (Node, u64)>,
    pattern: &Pattern,
) -> Result<Vec<Cell>, TreeError> {
    let tree = Tree::build(values, &pattern.0)?;
    let mut hidden = vec![false; 2 * tree.len()];
    for c in tree.ids(&pattern.0) {
        hidden[c] = true;
    }
    Ok(tree.pattern(&tree.peel(&hidden)).0.into_iter().collect())
}

/// A cell by index: node `i` is cell `i`, its remainder is cell `len + i`.
type CellId = usize;

/// The tree, top-down: the nodes of each depth in turn, each depth by code, so that a
/// parent comes before its children and siblings sit together. Node `p` with children
/// has the equation `value(p) = Σ value(children) + remainder(p)`, known by `p`'s index.
struct Tree {
    nodes: Vec<Node>,
    /// Where each depth starts in `nodes`, and where the last ends.
    starts: [usize; DEPTHS + 1],
    values: Vec<u64>,
    parents: Vec<Option<usize>>,
    children: Vec<Range<usize>>,
    remainders: Vec<u64>,
}

/// The nation, provinces, regencies, districts and villages.
const DEPTHS: usize = 5;

impl Tree {
    /// The tree of `values`, with the nodes of `extra` cells, every ancestor and the
    /// nation at 0 when they have no value.
    fn build<'c>(
        values: impl IntoIterator<Item = (Node, u64)>,
        extra: impl IntoIterator<Item = &'c Cell>,
    ) -> Result<Self, TreeError> {
        let mut levels: [Vec<(Node, u64)>; DEPTHS] = Default::default();
        for (node, value) in Self::complete(values, extra)? {
            levels[node.depth()].push((node, value));
        }
        let mut starts = [0; DEPTHS + 1];
        for (d, level) in levels.iter().enumerate() {
            starts[d + 1] = starts[d] + level.len();
        }
        let (nodes, values): (Vec<Node>, Vec<u64>) = levels.into_iter().flatten().unzip();
        let mut tree = Self {
            parents: vec![None; nodes.len()],
            children: vec![0..0; nodes.len()],
            remainders: values.clone(),
            nodes,
            starts,
            values,
        };
        tree.link()?;
        Ok(tree)
    }

    /// Every node's value, by code: those given, and 0 for the nodes of `extra`, the
    /// ancestors and the nation when not given.
    fn complete<'c>(
        values: impl IntoIterator<Item = (Node, u64)>,
        extra: impl IntoIterator<Item = &'c Cell>,
    ) -> Result<BTreeMap<Node, u64>, TreeError> {
        let mut all = BTreeMap::new();
        for (node, value) in values {
            match all.entry(node) {
                Entry::Vacant(e) => e.insert(value),
                Entry::Occupied(e) => return Err(TreeError::Duplicate(e.key().clone())),
            };
        }
        let extra = extra
            .into_iter()
            .map(|(Cell::Node(n) | Cell::Remainder(n))| n);
        let given: Vec<Node> = all.keys().chain(extra).cloned().collect();
        for node in given {
            let mut up = node.parent();
            all.entry(node).or_insert(0);
            while let Some(node) = up.filter(|n| !all.contains_key(n)) {
                up = node.parent();
                all.insert(node, 0);
            }
        }
        all.entry(Node::Nation).or_insert(0);
        Ok(all)
    }

    /// Finds each node's parent and children, and takes the children off each remainder.
    fn link(&mut self) -> Result<(), TreeError> {
        for i in 0..self.len() {
            let Some(p) = self.nodes[i].parent().and_then(|p| self.position(&p)) else {
                continue;
            };
            self.parents[i] = Some(p);
            let start = if self.has_equation(p) {
                self.children[p].start
            } else {
                i
            };
            self.children[p] = start..i + 1;
            let rest = self.remainders[p].checked_sub(self.values[i]);
            self.remainders[p] =
                rest.ok_or_else(|| TreeError::ChildrenExceed(self.nodes[p].clone()))?;
        }
        Ok(())
    }

    /// The index of `node`, if in the tree.
    fn position(&self, node: &Node) -> Option<usize> {
        let start = self.starts[node.depth()];
        let level = &self.nodes[start..self.starts[node.depth() + 1]];
        level.binary_search(node).ok().map(|i| start + i)
    }

    fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether node `p` has children, hence an equation and a remainder.
    fn has_equation(&self, p: usize) -> bool {
        !self.children[p].is_empty()
    }

    /// Every node is a cell; a remainder is one when its node has children.
    fn is_cell(&self, c: CellId) -> bool {
        c < self.len() || self.has_equation(c - self.len())
    }

    fn cells(&self) -> impl Iterator<Item = CellId> + '_ {
        (0..2 * self.len()).filter(|&c| self.is_cell(c))
    }

    fn value(&self, c: CellId) -> u64 {
        match c.checked_sub(self.len()) {
            None => self.values[c],
            Some(p) => self.remainders[p],
        }
    }

    /// The ids of those `cells` that are cells of the tree.
    fn ids<'c>(
        &'c self,
        cells: impl IntoIterator<Item = &'c Cell>,
    ) -> impl Iterator<Item = CellId> {
        cells
            .into_iter()
            .filter_map(|cell| match cell {
                Cell::Node(n) => self.position(n),
                Cell::Remainder(n) => self.position(n).map(|p| self.len() + p),
            })
            .filter(|&c| self.is_cell(c))
    }

    fn cell(&self, c: CellId) -> Cell {
        match c.checked_sub(self.len()) {
            None => Cell::Node(self.nodes[c].clone()),
            Some(p) => Cell::Remainder(self.nodes[p].clone()),
        }
    }

    /// A fixed hash of the cell's code (FNV-1a), to break ties the same way every time
    /// without always favouring the lowest code.
    fn tie(&self, c: CellId) -> u64 {
        let (node, marker) = match c.checked_sub(self.len()) {
            None => (&self.nodes[c], None),
            Some(p) => (&self.nodes[p], Some(b'+')),
        };
        node.label()
            .bytes()
            .chain(marker)
            .fold(0xcbf2_9ce4_8422_2325, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
            })
    }

    /// The cells of node `p`'s equation: `p`, its children, its remainder.
    fn equation(&self, p: usize) -> impl Iterator<Item = CellId> + '_ {
        std::iter::once(p)
            .chain(self.children[p].clone())
            .chain(std::iter::once(self.len() + p))
    }

    /// The equations cell `c` appears in: its parent's and its own.
    fn equations_of(&self, c: CellId) -> impl Iterator<Item = usize> + '_ {
        let (up, own) = match c.checked_sub(self.len()) {
            None => (self.parents[c], Some(c).filter(|&p| self.has_equation(p))),
            Some(p) => (None, Some(p)),
        };
        up.into_iter().chain(own)
    }

    /// The hidden cells that the equations determine: while an equation has a single
    /// unknown cell, that cell is known, which may leave another equation with one.
    fn peel(&self, hidden: &[bool]) -> Vec<bool> {
        let mut unknown: Vec<usize> = (0..self.len())
            .map(|p| {
                let cells = self.equation(p).filter(|&c| hidden[c]);
                if self.has_equation(p) {
                    cells.count()
                } else {
                    0
                }
            })
            .collect();
        let mut known = vec![false; hidden.len()];
        let mut ready: Vec<usize> = (0..self.len()).filter(|&p| unknown[p] == 1).collect();
        while let Some(p) = ready.pop() {
            let Some(c) = self.equation(p).find(|&c| hidden[c] && !known[c]) else {
                continue;
            };
            known[c] = true;
            for e in self.equations_of(c) {
                unknown[e] -= 1;
                if unknown[e] == 1 {
                    ready.push(e);
                }
            }
        }
        known
    }

    fn pattern(&self, hidden: &[bool]) -> Pattern {
        self.cells()
            .filter(|&c| hidden[c])
            .map(|c| self.cell(c))
            .collect()
    }
}

/// Why an equation needs one more hidden cell.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Lack {
    /// Its one hidden cell is the difference of the shown ones.
    Partner,
    /// One person could subtract themself from the other hidden cell, or the hidden
    /// cells add up to a small count under a shown total.
    Cover,
}

/// The state of [`suppress`]: the hidden cells and the equations left to settle.
struct Run<'t> {
    tree: &'t Tree,
    hidden: Vec<bool>,
    pending: BinaryHeap<Reverse<usize>>,
    queued: Vec<bool>,
}

impl<'t> Run<'t> {
    fn new(tree: &'t Tree) -> Self {
        Self {
            tree,
            hidden: vec![false; 2 * tree.len()],
            pending: BinaryHeap::new(),
            queued: vec![false; tree.len()],
        }
    }

    /// Hides `c` and marks its equations to be settled again.
    fn hide(&mut self, c: CellId) {
        self.hidden[c] = true;
        for p in self.tree.equations_of(c) {
            if !std::mem::replace(&mut self.queued[p], true) {
                self.pending.push(Reverse(p));
            }
        }
    }

    /// Settles pending equations, the highest in the tree first, until none is left.
    fn settle_all(&mut self) {
        while let Some(Reverse(p)) = self.pending.pop() {
            self.queued[p] = false;
            self.settle(p);
        }
    }

    fn settle(&mut self, p: usize) {
        while let Some(lack) = self.lack(p) {
            let Some(c) = self.candidate(p, lack) else {
                return;
            };
            self.hide(c);
        }
    }

    fn lack(&self, p: usize) -> Option<Lack> {
        let hidden: Vec<u64> = self
            .tree
            .equation(p)
            .filter(|&c| self.hidden[c])
            .map(|c| self.tree.value(c))
            .collect();
        let sum = hidden.iter().fold(0, |a, &v| u64::saturating_add(a, v));
        match hidden.len() {
            1 => Some(Lack::Partner),
            2 if hidden.contains(&1) => Some(Lack::Cover),
            _ if !self.hidden[p] && (1..SMALL_CELL).contains(&sum) => Some(Lack::Cover),
            _ => None,
        }
    }

    /// The cell of `p`'s equation to hide next: the smallest positive child (or
    /// remainder), else `p` itself, else (for a partner only) a zero cell.
    fn candidate(&self, p: usize, lack: Lack) -> Option<CellId> {
        let tree = self.tree;
        tree.equation(p)
            .filter(|&c| !self.hidden[c] && (lack == Lack::Partner || tree.value(c) > 0))
            .min_by_key(|&c| (tree.value(c) == 0, c == p, tree.value(c), tree.tie(c)))
    }
}

#[cfg(test)]
#[path = "suppression_tests.rs"]
mod tests;
