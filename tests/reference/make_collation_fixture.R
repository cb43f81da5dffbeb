#!/usr/bin/env Rscript
## R's sort order of text, for src/data/collation.rs: random strings of ASCII and Latin-1 letters, punctuation
## and symbols, sorted by R (this project's R: ICU, locale C.UTF-8, icuGetCollate() = "root"), one a line.
## Run from the crate root:  Rscript tests/reference/make_collation_fixture.R
## tests/design_fixtures.rs sorts them in another order with data::collation and expects R's order.
stopifnot(capabilities("ICU"), icuGetCollate() == "root")
set.seed(11)
pool <- c(strsplit("aAbBeEsSzZ0 -_$%", "")[[1]], "é", "É", "ñ", "Ø", "æ", "Æ", "ß", "ü", "ð", "Þ", "ç",
          strsplit("¡¢£¤¥¦§¨©«¬®¯°±´¶·¸»¿×÷", "")[[1]])
x <- unique(replicate(4000, paste(sample(pool, sample(1:6, 1), replace = TRUE), collapse = "")))
## a field is trimmed when read, so leading and trailing spaces never reach a factor level
x <- unique(trimws(x))
x <- x[nchar(x) > 0]
writeLines(sort(x), "tests/data/r_sorted_strings.txt", useBytes = TRUE)
