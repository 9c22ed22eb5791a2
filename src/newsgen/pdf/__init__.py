"""The PDF front end of ``newsgen import``: a newspaper page read with its layout.

One parser, two front ends: this package reads what a text bulletin has lost (the size and weight of
each line, columns, frames, rules, reading order, jump lines) and hands the same parser
(:mod:`newsgen.bulletin`) a bulletin in reading order with a layout cue for each block.
One module a job: :mod:`.chars` (characters and shapes of each page, from pdfminer.six), :mod:`.lines`
(characters -> lines), :mod:`.blocks` (lines -> blocks), :mod:`.order` (frames, columns, reading
order), :mod:`.files` (which paths are PDFs), :mod:`.front` (ranks, jump lines across pages, the bulletin and its cues).
"""
