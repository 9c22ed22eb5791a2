"""Count issue 21's "incremental machinery" by role, at one commit or several side by side.

Issue 21's criterion: "Lines in the incremental machinery (build, delta, fingerprint, pages' plan,
output's manifest and spare, the caches) down by at least a third, counted in the note." The issue
names parts of files, so this counts named parts: for each role, the top-level functions, classes,
methods and assignments listed in :data:`SCOPE` (or a whole file), read with ``git show
COMMIT:src/newsgen/PATH`` and measured with :mod:`ast`, as

- *lines*: every line of the unit, its decorators and the comment lines right above it (``#:``);
- *code*: those lines without blank lines, comment-only lines and docstrings.

A whole file (``FILE``) counts every line, its imports and module docstring too (as ``wc -l``). A part
of a file counts the units named, never the file's imports. A line named in two roles is an error
(reported, exit status 1), so no line is counted twice.

**Sure and doubtful.** Each entry is *sure* (its only job is the incremental build: it exists because
a build reuses what the last one left) or *doubtful*: a unit a cold build also runs, with a part that
exists only for incremental builds (an ``in_place`` branch, a cache handle, a recording wrapper that also
makes the value), or where the line between machinery and not is arguable. Doubtful units are counted
whole, as machinery, and shown apart, so the total never flatters: "sure only" is the lower bound.
The same rule is applied at every commit.

**Eras.** Names changed when pages began to record their reads (commit :data:`BOUNDARY`, "Pages record
what they read"): a commit that descends from it is counted with the ``recorded`` scope, any other
with the ``hand-kept`` scope (the one of the issue's filing, ``15701c6``). Within the recorded era an
entry may name the commit it appeared in (``since``): it is looked for only at commits descending
from that one (``d0d8b42`` is older than the article cache's ``_Identities``, for instance).

**Rot.** Every name of every entry (and of :data:`LEFT_OUT`) must be found at a commit its era
covers; one that is not is reported as missing (exit status 1). ``--unlisted`` lists the units of the
partly counted files that neither list names, for a review of the scope.

Usage::

    .venv/bin/python bench/count_machinery.py                       # HEAD
    .venv/bin/python bench/count_machinery.py 15701c6 d0d8b42 HEAD   # side by side
    .venv/bin/python bench/count_machinery.py 15701c6 HEAD --files  # each role by file
    .venv/bin/python bench/count_machinery.py HEAD --list           # every unit counted and left out, with the reason
    .venv/bin/python bench/count_machinery.py HEAD --unlisted       # units of the scoped files no list names
    .venv/bin/python bench/count_machinery.py HEAD --json           # the figures as JSON
"""

from __future__ import annotations

import argparse
import ast
import io
import json
import subprocess
import sys
import tokenize
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path

ROLES = ("build", "delta", "fingerprint", "pages' plan", "output's manifest and spare", "the caches",
         "dependency recording")
BUILD, DELTA, FINGERPRINT, PLAN, OUTPUT, CACHES, RECORDING = range(1, 8)

#: The first commit whose pages record what they read (the hand-kept input texts gone): from it on,
#: the ``recorded`` scope.
BOUNDARY = "f5bee4a"
#: A pattern naming a whole file.
FILE = "FILE"


@dataclass(frozen=True)
class Entry:
    """Units of one file: ``pattern`` is one or more qualified names (``Plan.parts``, ``_*_text``;
    :func:`fnmatch.fnmatchcase` patterns) joined by ``|``; each must match at least one unit."""

    role: int              # 1..7 (see ROLES); 0 in LEFT_OUT
    path: str              # under src/newsgen
    pattern: str
    sure: bool
    why: str
    since: str | None = None   # looked for only at commits descending from this one
    until: str | None = None   # looked for only at commits not descending from this one (the one removing it)


def S(role: int, path: str, pattern: str, why: str, since: str | None = None,  # noqa: N802
      until: str | None = None) -> Entry:
    """A sure entry: its only job is the incremental build."""
    return Entry(role, path, pattern, True, why, since, until)


def D(role: int, path: str, pattern: str, why: str, since: str | None = None,  # noqa: N802
      until: str | None = None) -> Entry:
    """A doubtful entry, counted as machinery."""
    return Entry(role, path, pattern, False, why, since, until)


def X(path: str, pattern: str, why: str, since: str | None = None) -> Entry:  # noqa: N802
    """Left out: not machinery (the reason says why)."""
    return Entry(0, path, pattern, False, why, since)


_WHOLE_BUILD = S(BUILD, "commands/build.py", FILE, "the issue names it whole (the pinyin readings cache, "
                 "_Readings, is in it)")
_WHOLE_DELTA = S(DELTA, "commands/delta.py", FILE, "the issue names it whole")
_WHOLE_FINGERPRINT = S(FINGERPRINT, "render/fingerprint.py", FILE, "the issue names it whole")
_WHOLE_CACHEFILE = S(CACHES, "cachefile.py", FILE, "the caches' file (the build state), whole")

# Both eras, the Markdown body cache (render/markdown.py): the same names at every commit counted.
_MARKDOWN = [
    S(CACHES, "render/markdown.py", "MarkdownRenderer.key|MarkdownRenderer.file_key|MarkdownRenderer.cached"
      "|MarkdownRenderer.discard|MarkdownRenderer.prune",
      "the converted bodies' cache: its keys, the look-up, forgetting and pruning entries"),
    D(CACHES, "render/markdown.py", "MarkdownRenderer.__init__|MarkdownRenderer.convert|Body.__html__",
      "convert and render a body (any build), through the cache (the pack opened in __init__, "
      "looked up by file key in Body.__html__)"),
    D(CACHES, "render/markdown.py", "MarkdownRenderer.settings|MarkdownRenderer.use_photos",
      "what decides a body's HTML, kept as text for the cache keys and page fingerprints; use_photos also "
      "hands the renderer the photos (any build)"),
]

SCOPE: dict[str, list[Entry]] = {
    # ---------------------------------------------------------------- at the filing (15701c6)
    "hand-kept": [
        _WHOLE_BUILD, _WHOLE_DELTA, _WHOLE_FINGERPRINT,
        # 4. pages' plan: the Plan and what records or derives pages' inputs by hand
        S(PLAN, "render/pages.py", "Page.inputs|Page.parts",
          "a page's hand-kept inputs text and the parts it holds (the issue: Plan.parts, parts_key, the "
          "_*_inputs/_*_text functions)"),
        S(PLAN, "render/pages.py", "Plan._structure|Plan._cards|Plan._links|Plan._shown|Plan._year_texts"
          "|Plan._using|Plan._pagers",
          "memos of the inputs texts' lines and parts, and the side channel noting which articles a page shows"),
        S(PLAN, "render/pages.py", "Plan.files", "how parts and records name articles"),
        S(PLAN, "render/pages.py", "Plan.inputs_of|Plan._use|Plan.uses",
          "the side channel that notes which articles a page shows (named by the issue)"),
        S(PLAN, "render/pages.py", "Plan.parts|Plan.parts_key|Plan.listing_parts",
          "the parts of the site pages hold, and their key (named by the issue)"),
        S(PLAN, "render/pages.py", "Plan.card|Plan.link|Plan.shown|Plan.dated|Plan.structure|Plan.addresses",
          "the lines of the inputs texts (an article's card, link, related line, sitemap line; the "
          "structure's digest and the addresses it is made of)"),
        S(PLAN, "render/pages.py", "_feed_text|_listing_inputs|_listing_text|_cards_text|_article_inputs"
          "|_place_front|_year_text|_month_text|_pages_sitemap_text|_year_sitemap_text",
          "the hand-kept inputs texts of each kind of page (named by the issue)"),
        D(PLAN, "render/pages.py", "Plan.other_pages|Plan.sitemaps",
          "the lists the sitemaps show, used by the sitemaps' contexts and by Plan.parts"),
        D(PLAN, "render/pages.py", "Plan.feed_page|plan_home|plan_articles|plan_regions|_plan_terms"
          "|plan_archives|plan_sitemaps|plan_all",
          "planners any generator has, but each page is given its inputs text and parts here (a third of "
          "their lines), plan_articles the related cache, plan_all clears the parts' memo"),
        # 5. output's manifest and spare
        S(OUTPUT, "output.py", "spare_path|make_spare|_link_tree|_adopt_spare|_make_room",
          "the spare tree: where it is, made, adopted, room made in it"),
        S(OUTPUT, "output.py", "OutputWriter.drop|OutputWriter._sweep|OutputWriter._real_folders"
          "|OutputWriter._make_room",
          "updating the spare in place: what the output lost dropped, the rest swept, links in its way removed"),
        S(OUTPUT, "output.py", "OutputWriter.reuse|OutputWriter.identity",
          "the writer's reuse of a page the manifest vouches for, and the manifest entry of a file"),
        S(OUTPUT, "output.py", "Manifest|_prune", "the manifest, and the pruning of other outputs' manifests"),
        S(OUTPUT, "output.py", "StaleCheck", "the stale check (the manifest's files against the disk, forked)"),
        D(OUTPUT, "output.py", "OutputWriter.__init__|OutputWriter.store|OutputWriter.copy_static"
          "|OutputWriter.commit",
          "writing and the commit any build does, with the spare's in-place branches (adoption, room made, "
          "the sweep) and the stat kept for the manifest"),
        D(OUTPUT, "output.py", "OutputWriter.remove_previous|OutputWriter._aside",
          "removing the previous output (any build), or keeping it as the next spare"),
        D(OUTPUT, "output.py", "store_text", "writes a file (any build); returns its stat for the manifest"),
        # 6. the caches
        _WHOLE_CACHEFILE,
        S(CACHES, "content.py", "ArticleCache|_json_faithful|_version|_tag|_TAGS|_untag|_key|_ROW_FIELDS"
          "|_ROW_FIELDS_JSON|_DIGEST|_TAGGED_FIELDS|_DATE_FIELDS|_article_to_row|_article_from_row"
          "|_problems_from_rows|_parsed_path_maker|_MAKE_PARSED_PATH|_relative_path|_date_from_text"
          "|_entry_digest",
          "the article cache and the helpers that exist only for it (its rows, tags, paths, dates)"),
        S(CACHES, "content.py", "stored_body|Article.__getattr__",
          "a cached article's body read back from its file (the cache keeps no bodies)"),
        D(CACHES, "content.py", "file_digest|with_digest",
          "the digest standing for an article's file and photos: the key of its cache entries and pages"),
        D(CACHES, "content.py", "load_articles", "reads the articles (any build), through the cache"),
        *_MARKDOWN,
        S(CACHES, "render/related.py", "Postings|update_related|_renumbered|_positions|_touched|_window_start"
          "|_rows|_BigSets|_renumbering|_kept_order|_near|_keys_file|_mark|_plain|_read_last|_all_of_type"
          "|_update_last",
          "the related tables' cache and its update from the last result (_near: unused, of the update)"),
        D(CACHES, "render/related.py", "related", "the related articles (any build), mostly the cache's use"),
        S(CACHES, "search.py", "SearchIndex.reused|patch_bundle|_ungap|_Bundle|_patch|PATCH_LIMIT",
          "the search index's bundles kept or patched from the last output"),
        D(CACHES, "search.py", "ledger|_sha|index_articles|SearchIndex.summary|SearchIndex.prints"
          "|SearchIndex.indexed|SearchIndex.entries",
          "the index's files' fingerprints (docs.json, written by any build, is the shard's fingerprint) and "
          "its step (any build), with its reuse"),
        D(CACHES, "render/views.py", "Views._derived|Views.__init__",
          "an article's summary and reading minutes (any build), kept by digest for the article cache; "
          "__init__ derives every article's for the cache"),
        D(CACHES, "render/pages.py", "Plan.cache_dir", "where planners keep what they derive (the related cache)"),
        D(CACHES, "output.py", "CACHE_DIR", "the cache's folder"),
        S(CACHES, "render/photos.py", "Photos.save", "the photos' cache index written, other derivatives deleted"),
        D(CACHES, "render/photos.py", "Photos.__init__|Photos.photo|Photos.missing|Photos.files|prepare",
          "the photos (any build), through the identity cache, the derivatives' cache and the images by digest"),
        # 7. dependency recording: none at filing (the hand-kept texts above stand for it)
    ],
    # ---------------------------------------------------------------- pages record their reads (f5bee4a on)
    "recorded": [
        _WHOLE_BUILD, _WHOLE_DELTA, _WHOLE_FINGERPRINT,
        # 4. pages' plan
        S(PLAN, "render/pages.py", "Plan.resolve|_AGAIN|_BY_ARTICLE|_term|_year",
          "computing a recorded name's value again (the check side of the records)"),
        S(PLAN, "render/pages.py", "Plan.sources|_ARTICLE_DIGEST|Plan.addresses",
          "what each article's recorded values are made of, and the addresses (for the delta)"),
        S(PLAN, "render/pages.py", "Plan.pager|Plan._pagers|Plan._listings|Plan._feeds",
          "the listings and feeds kept so that a recorded pager or feed can be resolved"),
        S(PLAN, "render/pages.py", "Deferred",
          "pages made only when asked for, so that a rebuild makes only the few it looks at"),
        D(PLAN, "render/pages.py", "Pages",
          "the plan's pages in order (any build), every path at once and pages made when asked for"),
        D(PLAN, "render/pages.py", "Plan.listing|Plan.feed_page",
          "a listing's or feed's pages (any build), registered for resolve, listings as Deferred blocks"),
        D(PLAN, "render/pages.py", "plan_articles",
          "the article pages (any build), with the related cache, its structure key and Deferred"),
        # 5. output's manifest and the update in place (the spare's successor)
        S(OUTPUT, "output.py", "OutputWriter.reuse|OutputWriter.holds|OutputWriter.identity",
          "a file the manifest vouches for left as it is, and the manifest entry of a file"),
        S(OUTPUT, "output.py", "OutputWriter._commit_in_place|OutputWriter._real_folder|_staged|_on_disk"
          "|_unlink_in|_LONG",
          "the update in place of the output (the spare's successor: staged files moved in, the lost deleted, "
          "links in the way)"),
        S(OUTPUT, "output.py", "_undone", "the stale check told a killed update in place was undone"),
        S(OUTPUT, "output.py", "Entry|Entries|Manifest|_all_safe|_stale", "the manifest, its entries and check"),
        S(OUTPUT, "output.py", "StaleCheck", "the stale check (the manifest's files against the disk, forked)"),
        D(OUTPUT, "output.py", "OutputWriter.__init__|OutputWriter.claim_pages|OutputWriter.store"
          "|OutputWriter._where|OutputWriter.copy_static|OutputWriter.commit|OutputWriter.close"
          "|OutputWriter.__exit__",
          "writing and the commit any build does, with the in-place branches (the manifest's paths vouched, "
          "flat staging, static files reused, the journal kept after a failed update in place)"),
        D(OUTPUT, "output.py", "_recover|_read_journal|_journal_line|_unlock",
          "the recovery and lock journal any build has, also undoing a killed update in place ('n' lines) "
          "and deleting an older newsgen's spare"),
        D(OUTPUT, "output.py", "store_text", "writes a file (any build); returns its stat for the manifest"),
        # 6. the caches
        _WHOLE_CACHEFILE,
        S(CACHES, "content.py", "ArticleCache|_COLUMNS|_BUCKET_SIZE|_BUCKETS_MAX|_new_article"
          "|_bucket_count|_stored|_ROW_OPTIONS|_LAYOUT|_decode|_read_again|_json_faithful|_tag|_TAGS"
          "|_untag|_key|_ROW_FIELDS|_ROW_FIELDS_JSON|_DIGEST|_DRAFT|_DATE|_ROW_POSITIONS|_DECODED|_ROW_KEYS"
          "|_TAGGED_FIELDS|_DATE_FIELDS|_article_to_row|_article_from_row|_problems_from_rows|_relative_path"
          "|_date_from_text|_entry_digest",
          "the article cache and the helpers that exist only for it (columns, buckets, rows decoded when used)"),
        S(CACHES, "content.py", "_BUCKET|_bucket", "the article cache's own buckets of rows",
          until="e6c112d"),
        S(CACHES, "content.py", "_META", "the article cache's table's meta", since="e6c112d"),
        S(CACHES, "content.py", "_Identities", "the article cache's file identities as one packed run",
          since="a28dd2e", until="f5ea00f"),
        S(CACHES, "content.py", "_entry_of|_row_of|_changed",
          "the article cache's entries as its table's rows, and its identities compared as runs",
          since="f5ea00f"),
        S(CACHES, "content.py", "_all_text", "a check of the article cache's columns", since="5aafdb2"),
        S(CACHES, "content.py", "stored_body|body_of|Article.__getattr__|_Field|for _f",
          "a cached article's fields decoded on first use and its body read back from its file", until="e0fe76d"),
        S(CACHES, "content.py", "stored_body|passing|Article.__getattr__|_Field|for _f",
          "a cached article's fields decoded on first use (or for one reading, not kept) and its body read "
          "back from its file", since="e0fe76d"),
        D(CACHES, "content.py", "source_path|source_paths|file_digest|file_digests|with_digest",
          "how records and caches name an article and its digest (file and photos), known of a cached "
          "article without decoding it"),
        D(CACHES, "content.py", "_kept|_VALUES|_made", "the columns of cached values read off the articles",
          since="9a83983"),
        D(CACHES, "content.py", "may_show_images|extra_flags|structure_shape|structure_shapes|STRUCTURE_FIELDS",
          "what the cache keeps of an article so that a rebuild need not decode it (the structure row's "
          "digest also keys the structure's cache)"),
        D(CACHES, "content.py", "derived_by_reader|derived_ahead",
          "an article's derived summary made in the reader, for the derived cache (a cold build's speed too)"),
        D(CACHES, "content.py", "load_articles", "reads the articles (any build), through the cache"),
        *_MARKDOWN,
        S(CACHES, "render/related.py", "Postings|update_related|_renumbered|_positions|_touched|_window_start"
          "|_rows|_BigSets|_renumbering|_kept_order|_near|_mark|_plain|_read_last|_all_of_type|_update_last",
          "the related tables' cache and its update from the last result (_near: unused, of the update)"),
        D(CACHES, "render/related.py", "related", "the related articles (any build), mostly the cache's use"),
        S(CACHES, "search.py", "SearchIndex.reused|patch_year|patch_files|_Bundle|_Unreadable|_last_listing"
          "|_key_files|PATCH_LIMIT|_patch",
          "the search index's bundles and key files kept or patched from the last output"),
        S(CACHES, "search.py", "SearchIndex.kept", "the last output's index files kept as they are", since="7954afe"),
        D(CACHES, "search.py", "ledger|_sha|index_articles|SearchIndex.summary"
          "|SearchIndex.indexed|SearchIndex.entries|_entry_of",
          "the index's files' fingerprints (docs.json, written by any build, is the shard's fingerprint) and "
          "its step (any build), with its reuse"),
        D(CACHES, "search.py", "SearchIndex.prints", "the index's files' fingerprints (now in their entries)",
          until="c4498e8"),
        D(CACHES, "render/views.py", "Views._derived",
          "an article's summary and reading minutes (any build), kept by digest for the article cache"),
        S(CACHES, "render/pages.py", "Plan.structure", "the structure's digest, the related cache's key"),
        D(CACHES, "render/pages.py", "Plan.store", "the build state, where planners keep what they derive"),
        D(CACHES, "output.py", "CACHE_DIR", "the build state's folder"),
        S(CACHES, "site.py", "structure_key", "the key the structure is kept under from one build to the next"),
        S(CACHES, "render/photos.py", "PhotoRecords|Photos.keep|Photos.prune|_as_recorded|_record_ok",
          "the photo records and derivatives kept for the next build"),
        D(CACHES, "render/photos.py", "Photos.__init__|Photos.photo|Photos.missing|Photos.files|prepare",
          "the photos (any build), through the identity cache, the derivatives' cache and the records"),
        # 7. dependency recording (the replacement of the hand-kept texts)
        S(RECORDING, "render/views.py", "digest|_repr_digest|ARTICLE_KINDS|ONCE_KEPT|_RecordedPosts"
          "|Views.numbers|Views.recorded|Views.listing|Views._post_digest|Views.article_count",
          "the recording itself: records, digests, recorded posts and lists"),
        S(RECORDING, "render/views.py", "Views.post_link|Views.related_link|Views.search_facets|Views.crumbs"
          "|Views.pager|Views.pager_shell|Views.place_node|Views.bare_node|Views.term_links|Views.term_link"
          "|Views.term_ref|Views.year|Views.year_ref|Views.month|Views.month_shell",
          "the public accessors, each recording a name with a digest (the views are made by the private "
          "_post_link, _pager, _node, _year, ... left out)"),
        D(RECORDING, "render/views.py", "Views.__init__|Views.files|Views.post_list",
          "making the views (any build), with the record's state, records' names of articles, recorded lists"),
        S(RECORDING, "render/pages.py", "Plan.files|Plan.body|Plan.meta|Plan.around|Plan.chart|Plan.dated"
          "|_body_digest",
          "the plan's recording accessors (the values made by _body, article_meta, related, chart_of_counts)"),
        D(RECORDING, "render/pages.py", "Plan.page_list|Plan.sitemap_list",
          "the sitemaps' lists (any build), recorded"),
        S(RECORDING, "render/feeds.py", "Feeds.entry|Feeds.listed|_entry_digest",
          "the feeds' recording accessors and the entry's digest"),
        D(RECORDING, "render/feeds.py", "Feeds.feed", "a feed (any build), its articles recorded through listed"),
    ],
}

# Names of the partly counted files that are not machinery, with the reason (the rest: --unlisted).
_LEFT_OUT_BOTH = [
    X("render/pages.py", "output_path|render_page|numbered|plan_search|plan_not_found|SITEMAP_OF_PAGES"
      "|sitemap_of_year|plan_pages|Planner|PLANNERS",
      "planning and rendering any static generator does"),
    X("render/pages.py", "_home_context|_article_context|_region_context|_term_context|_year_context"
      "|_month_context|_feed_context|_pages_sitemap_context|_year_sitemap_context",
      "page contexts: any generator has them (they read recorded views now, the recording is counted there)"),
    X("render/pages.py", "Plan.months|_month_counts|Plan.info|Plan.search_years|Plan.__post_init__",
      "charts' counts, page info, search years: any build"),
    X("output.py", "output_target|_leftover_name|_journal|_journal_text|new_folder|_names_itself"
      "|carries_marker|cannot_write|lock_path|build_lock|_lock|_rename_no_replace|_exchange|_libc"
      "|_forked_during_a_build|_copy|remove_tree|_remove|check_replaceable|_check_replaceable|TRASH_GRACE"
      "|MARKER|LEFTOVER",
      "the atomic swap, the lock and its journal of folders, recovery of leftovers, copy and removal: what "
      "a cold build needs for 'no text lost'"),
    X("output.py", "OutputWriter.claim|OutputWriter.claimed_paths|OutputWriter.claimed|OutputWriter.write_page"
      "|OutputWriter._fill_in_place|OutputWriter.abort|OutputWriter.__enter__",
      "claiming and writing files, filling an empty folder, aborting: any build"),
    X("render/views.py", "Link|SiteView|PageInfo|PhotoView|PostView|PostLink|RelatedLink|SearchFacets"
      "|PlaceNode|PageLink|PagerView|MonthView|YearView|plain_repr",
      "the view dataclasses templates read"),
    X("render/views.py", "Views._post|Views.href|Views.absolute|Views.published|Views.modified"
      "|Views.last_change|Views.place_chain|Views.tree|page_window|date_text|instant|rfc3339|split_base_url"
      "|facet_year",
      "making views and URLs: any build"),
    X("content.py", "loads|load|Article|split_front_matter|site_file_names|Listing|dumps",
      "reading and writing article files: any build"),
    X("render/markdown.py", "MarkdownRenderer._convert|PhotoFigures|Body.source|_time_limit",
      "converting Markdown: any build"),
    X("render/related.py", "related_indices|_related_one|_postings|article_keys|place_weight",
      "scoring related articles: any build"),
    X("search.py", "shard_of|shard_pages|document|fragment|card|filters_file|key_file_count"
      "|key_file_text|key_file",
      "the search index's files: any build"),
    X("render/photos.py", "Photos.svg|Photos.picture|encode|resolve|find_images|check_photos",
      "publishing photos: any build"),
]

LEFT_OUT: dict[str, list[Entry]] = {
    "hand-kept": [
        *_LEFT_OUT_BOTH,
        X("render/pages.py", "Page.path|Page.template|Page.make|Page._made|Page.context",
          "a page: its path, template and context"),
        X("render/pages.py", "Plan.years|_year_view", "a year's view made once for its pages: any build's speed"),
        X("output.py", "OutputWriter._make_folder|OutputWriter.scratch_folder|OutputWriter._unlock"
          "|OutputWriter.close|OutputWriter.__exit__|OutputWriter._delete|_recover|_read_journal"
          "|_die_with_parent",
          "a fresh tree's folders, the lock, recovery of a killed build's leftovers, background deletion: "
          "what a cold build needs"),
        X("render/views.py", "Views.post_link|Views.related_link|Views.search_facets|Views.crumbs|Views.pager"
          "|Views.place_node|Views.term_links|Views.term_link|Views.year|Views.post_list|_Lazy",
          "making the views (nothing recorded at filing)"),
    ],
    "recorded": [
        *_LEFT_OUT_BOTH,
        X("render/pages.py", "Page|Page.forget",
          "a page, and letting go of its context once rendered (a render worker's memory, any build)"),
        X("render/pages.py", "_URL", "the article pages' paths made at once: any build", since="9a83983"),
        X("render/pages.py", "PageKind|KINDS",
          "the registry of page kinds (the issue's 'one registered object' per kind, also what check --links "
          "reads): any generator's list of page kinds, no part serves only the incremental build"),
        X("output.py", "OutputWriter.claim_files|OutputWriter.remove_previous|_renameat2|_cannot_read|_SAFE_PATH",
          "claiming photos' files, removing a full build's previous output, renames, path checks: any build"),
        X("render/views.py", "Views._post_link|Views._related_link|Views._search_facets|Views._crumbs"
          "|Views._pager|Views._node|Views._term_links|Views._year|derive",
          "the views made (the recording accessors that hand them out are counted)"),
        X("render/pages.py", "Plan._body", "a body object made (its recording accessor, Plan.body, is counted)"),
        X("render/feeds.py", "Feeds._entry|Feeds._feed|FeedContent|EntryView|FeedView|SitemapEntry",
          "feed entries and views made: any build"),
        X("content.py", "BodySpool|_SpoolFile|_ArticleFile|_NamesShared|_share_names|_set_aside|_Day",
          "one read of each file and the build's memory (bodies spooled, names shared): cold builds too"),
        X("site.py", "structure|structure_rows|site_from|build_site",
          "the model made from the rows: any build (its cache key, structure_key, is counted)"),
    ],
}


# ---------------------------------------------------------------------------------------------- measuring

@dataclass
class Source:
    """One file at one commit: its units (qualified name -> line range) and its code lines."""

    lines: int
    units: dict[str, tuple[int, int]]
    code: set[int]


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout


def resolve(repo: Path, commit: str) -> str:
    return _git(repo, "rev-parse", "--verify", f"{commit}^{{commit}}").strip()


def descends(repo: Path, ancestor: str, commit: str) -> bool:
    """Whether ``commit`` is ``ancestor`` or descends from it."""
    return subprocess.run(["git", "-C", str(repo), "merge-base", "--is-ancestor", ancestor, commit],
                          capture_output=True).returncode == 0


def era_of(repo: Path, commit: str) -> str:
    return "recorded" if descends(repo, BOUNDARY, commit) else "hand-kept"


def read_source(text: str) -> Source:
    """The units and code lines of a Python file's text."""
    tree = ast.parse(text)
    lines = text.splitlines()
    comment_only = {n for n, line in enumerate(lines, 1) if line.strip().startswith("#")}
    units: dict[str, tuple[int, int]] = {}

    def start_of(node: ast.stmt) -> int:
        start = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
        while start - 1 in comment_only:   # the comment lines right above it (#: ...)
            start -= 1
        return start

    def walk(body: list[ast.stmt], prefix: str) -> None:
        for node in body:
            span = (start_of(node), node.end_lineno or node.lineno)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                units[prefix + node.name] = span
                if isinstance(node, ast.ClassDef):
                    walk(node.body, f"{prefix}{node.name}.")
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    for name in ast.walk(target):
                        if isinstance(name, ast.Name):
                            units[prefix + name.id] = span
            elif isinstance(node, ast.For) and not prefix:
                units[f"for {ast.unparse(node.target)}"] = span

    walk(tree.body, "")
    code: set[int] = set()
    skip = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
            tokenize.ENCODING, tokenize.ENDMARKER}
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type not in skip:
            code.update(range(token.start[0], token.end[0] + 1))
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
                    and isinstance(first.value.value, str):
                code.difference_update(range(first.lineno, (first.end_lineno or first.lineno) + 1))
    return Source(len(lines), units, code)


@dataclass
class Counted:
    """What one commit's count found."""

    commit: str
    era: str
    #: role -> path -> line numbers counted (all entries / sure entries only)
    lines: dict[int, dict[str, set[int]]] = field(default_factory=dict)
    sure: dict[int, dict[str, set[int]]] = field(default_factory=dict)
    #: each entry's units found: (entry, [(name, lines, code)])
    found: list[tuple[Entry, list[tuple[str, int, int]]]] = field(default_factory=list)
    left_out: list[tuple[Entry, list[tuple[str, int, int]]]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)     # "path: name (pattern)"
    overlaps: list[str] = field(default_factory=list)
    sources: dict[str, Source] = field(default_factory=dict)

    def figures(self, role: int, sure_only: bool = False) -> tuple[int, int]:
        """(lines, code lines) of ``role``."""
        by_path = (self.sure if sure_only else self.lines).get(role, {})
        total = sum(len(lines) for lines in by_path.values())
        code = sum(len(lines & self.sources[path].code) for path, lines in by_path.items())
        return total, code


def _matches(source: Source, alternative: str) -> list[str]:
    return [name for name in source.units if fnmatchcase(name, alternative)]


def _span(source: Source, names: list[str], pattern: str) -> set[int]:
    if pattern == FILE:
        return set(range(1, source.lines + 1))
    found: set[int] = set()
    for name in names:
        start, end = source.units[name]
        found.update(range(start, end + 1))
    return found


def count(repo: Path, commit: str, scope: dict[str, list[Entry]] | None = None,
          left_out: dict[str, list[Entry]] | None = None) -> Counted:
    """Count the machinery at ``commit`` with ``scope`` (default :data:`SCOPE`) and check ``left_out``."""
    scope = SCOPE if scope is None else scope
    left_out = LEFT_OUT if left_out is None else left_out
    era = era_of(repo, commit)
    done = Counted(commit, era)

    def source(path: str) -> Source | None:
        if path not in done.sources:
            try:
                text = _git(repo, "show", f"{commit}:src/newsgen/{path}")
            except subprocess.CalledProcessError:
                return None
            done.sources[path] = read_source(text)
        return done.sources[path]

    def units_of(entry: Entry) -> list[str] | None:
        """The unit names an entry matches (None: not expected at this commit), missing names reported."""
        if entry.since is not None and not descends(repo, entry.since, commit) or \
                entry.until is not None and descends(repo, entry.until, commit):
            return None
        src = source(entry.path)
        if src is None:
            done.missing.append(f"{entry.path}: the file ({entry.pattern})")
            return []
        if entry.pattern == FILE:
            return [FILE]
        names: list[str] = []
        for alternative in entry.pattern.split("|"):
            matched = _matches(src, alternative)
            if not matched:
                done.missing.append(f"{entry.path}: {alternative}")
            names.extend(matched)
        return names

    owner: dict[tuple[str, int], int] = {}
    for entry in scope[era]:
        names = units_of(entry)
        if not names:
            continue
        src = done.sources[entry.path]
        span = _span(src, [n for n in names if n != FILE], entry.pattern)
        for line in span:
            other = owner.setdefault((entry.path, line), entry.role)
            if other != entry.role:
                done.overlaps.append(f"{entry.path}:{line} in {ROLES[other - 1]} and {ROLES[entry.role - 1]}")
        done.lines.setdefault(entry.role, {}).setdefault(entry.path, set()).update(span)
        if entry.sure:
            done.sure.setdefault(entry.role, {}).setdefault(entry.path, set()).update(span)
        rows = [(FILE, src.lines, len(src.code))] if entry.pattern == FILE else []
        for name in names:
            if name != FILE:
                lines = _span(src, [name], name)
                rows.append((name, len(lines), len(lines & src.code)))
        done.found.append((entry, rows))
    counted = {(path, line) for by_path in done.lines.values() for path, lines in by_path.items()
               for line in lines}
    for entry in left_out[era]:
        names = units_of(entry)
        if not names:
            continue
        src = done.sources[entry.path]
        rows = []
        for name in names:
            lines = {line for line in _span(src, [name], name) if (entry.path, line) not in counted}
            rows.append((name, len(lines), len(lines & src.code)))
        done.left_out.append((entry, rows))
    return done


def unlisted(done: Counted, scope: dict[str, list[Entry]] | None = None,
             left_out: dict[str, list[Entry]] | None = None) -> list[tuple[str, str, int]]:
    """The units of the partly counted files that no entry names: (path, name, lines)."""
    scope = SCOPE if scope is None else scope
    left_out = LEFT_OUT if left_out is None else left_out
    named: dict[str, list[str]] = {}
    for entry in (*scope[done.era], *left_out[done.era]):
        if entry.pattern != FILE:
            named.setdefault(entry.path, []).extend(entry.pattern.split("|"))
    found = []
    for path, patterns in sorted(named.items()):
        src = done.sources.get(path)
        if src is None:
            continue
        for name, (start, end) in src.units.items():
            owner = name.split(".")
            # a unit is listed when it, or a class it is in, is named
            if not any(fnmatchcase(".".join(owner[:k]), p) for k in range(1, len(owner) + 1) for p in patterns):
                found.append((path, name, end - start + 1))
    return found


# ---------------------------------------------------------------------------------------------- printing

def table(counts: list[Counted], labels: list[str]) -> str:
    """The figures of each role at each commit; with two commits or more, the change from the first to
    the last, and issue 21's target (a third fewer than the first)."""
    change = len(counts) > 1
    head = f"{'role':32s}" + "".join(f"{label:>20s}" for label in labels) + \
        (f"{'last / first':>20s}" if change else "")
    sub = f"{'':32s}" + "".join(f"{'lines':>11s}{'code':>9s}" for _ in labels) + \
        (f"{'lines':>11s}{'code':>9s}" if change else "")
    rows = [head, sub]

    def ratio(last: int, first: int) -> str:
        return f"{last / first - 1:+.0%}" if first else "new" if last else "-"

    def row(name: str, values: list[tuple[int, int]]) -> str:
        text = f"{name:32s}" + "".join(f"{lines:>11,d}{code:>9,d}" for lines, code in values)
        if change:
            text += f"{ratio(values[-1][0], values[0][0]):>11s}{ratio(values[-1][1], values[0][1]):>9s}"
        return text

    def summed(done: Counted, sure_only: bool = False) -> tuple[int, int]:
        figures = [done.figures(role, sure_only) for role in range(1, len(ROLES) + 1)]
        return sum(lines for lines, _ in figures), sum(code for _, code in figures)

    for role, name in enumerate(ROLES, 1):
        rows.append(row(f"{role}. {name}", [done.figures(role) for done in counts]))
    totals = [summed(done) for done in counts]
    sure = [summed(done, True) for done in counts]
    rows.append(row("total", totals))
    rows.append(row("  of which doubtful", [(t[0] - s[0], t[1] - s[1]) for t, s in zip(totals, sure, strict=True)]))
    rows.append(row("  sure only", sure))
    if change:
        rows.append(f"issue 21's target, a third fewer than {labels[0]}: at most {totals[0][0] * 2 // 3:,d} lines, "
                    f"{totals[0][1] * 2 // 3:,d} code lines (sure only: {sure[0][0] * 2 // 3:,d}, "
                    f"{sure[0][1] * 2 // 3:,d})")
    return "\n".join(rows)


def by_file(counts: list[Counted], labels: list[str]) -> str:
    """Each role's lines and code lines by file, at each commit."""
    rows = [f"{'role / file':48s}" + "".join(f"{label:>20s}" for label in labels)]
    for role, name in enumerate(ROLES, 1):
        rows.append(f"{role}. {name}")
        paths = sorted({path for done in counts for path in done.lines.get(role, {})})
        for path in paths:
            cells = []
            for done in counts:
                lines = done.lines.get(role, {}).get(path)
                cells.append(f"{len(lines):>11,d}{len(lines & done.sources[path].code):>9,d}" if lines
                             else f"{'-':>20s}")
            rows.append(f"   {path:45s}" + "".join(cells))
    return "\n".join(rows)


def listing(done: Counted) -> str:
    out = [f"== {done.commit} ({done.era} scope)"]
    for role, name in enumerate(ROLES, 1):
        out.append(f"-- {role}. {name}")
        for entry, rows in done.found:
            if entry.role != role:
                continue
            out.append(f"  [{'sure' if entry.sure else 'doubtful'}] {entry.path}: {entry.why}")
            out.extend(f"      {unit:40s}{lines:6d}{code:6d}" for unit, lines, code in rows)
    out.append("-- left out")
    for entry, rows in done.left_out:
        out.append(f"  {entry.path}: {entry.why}")
        out.extend(f"      {unit:40s}{lines:6d}{code:6d}" for unit, lines, code in rows)
    return "\n".join(out)


def as_json(done: Counted) -> dict[str, object]:
    return {"commit": done.commit, "era": done.era,
            "roles": {ROLES[r - 1]: {"lines": done.figures(r)[0], "code": done.figures(r)[1],
                                     "sure_lines": done.figures(r, True)[0], "sure_code": done.figures(r, True)[1]}
                      for r in range(1, 8)},
            "entries": [{"role": ROLES[e.role - 1], "path": e.path, "pattern": e.pattern, "sure": e.sure,
                         "units": rows} for e, rows in done.found],
            "missing": done.missing, "overlaps": done.overlaps}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("commits", nargs="*", default=["HEAD"], help="commits to count (default HEAD)")
    parser.add_argument("--repo", type=Path, default=Path(__file__).resolve().parents[1])
    parser.add_argument("--list", action="store_true", help="every unit counted and left out, with the reason")
    parser.add_argument("--unlisted", action="store_true", help="units of the scoped files no list names")
    parser.add_argument("--files", action="store_true", help="each role's figures by file")
    parser.add_argument("--json", action="store_true", help="the figures as JSON")
    args = parser.parse_args(argv)
    counts = [count(args.repo, commit) for commit in args.commits]
    labels = [f"{commit} ({resolve(args.repo, commit)[:7]})" if commit != resolve(args.repo, commit)[:len(commit)]
              else commit for commit in args.commits]
    if args.json:
        print(json.dumps([as_json(done) for done in counts], indent=1))
    else:
        print(table(counts, labels))
        print("eras: " + ", ".join(f"{label}: {done.era}" for label, done in zip(labels, counts, strict=True)))
        if args.files:
            print()
            print(by_file(counts, labels))
        for done in counts if args.list else ():
            print()
            print(listing(done))
        for done in counts if args.unlisted else ():
            print()
            print(f"== {done.commit}: units of the scoped files no list names (not counted)")
            for path, name, lines in unlisted(done):
                print(f"  {path}: {name} ({lines})")
    bad = False
    for done in counts:
        for problem in done.missing:
            print(f"{done.commit}: missing from the scope's files: {problem}", file=sys.stderr)
        for problem in done.overlaps[:20]:
            print(f"{done.commit}: a line counted twice: {problem}", file=sys.stderr)
        bad = bad or bool(done.missing or done.overlaps)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
