# make demo: the overcommit ladder study (quick), then a one-page HTML report.
.PHONY: demo
demo: all
	@out=results/demo-$$(date +%Y%m%d-%H%M%S); \
	bench/overcommit --quick --out $$out && python3 bench/overcommit_report.py $$out
