/*
 * stmt.c - statements and function bodies.
 *
 * Control flow is laid out for docs/sil.md's one forward pass: a loop's
 * header is reached by fall-through before its back-edge, and code after a
 * return, break, continue or panic is reported, never emitted.  At every
 * place where paths meet (after if/else, a loop, a switch receive) the
 * linear variables must agree (own.c).
 */
#include "sem.h"

#include <string.h>

#define NOWANT SIL_T_VOID

static void gen_stmt(struct sem *S, struct ast_stmt *s);

/* A statement in its own scope (the body of if/while/for). */
static void gen_scoped(struct sem *S, struct ast_stmt *s)
{
	uint32_t n = S->fn->nvars;
	gen_stmt(S, s);
	sg_var_pop(S, n, s->kind == S_BLOCK ? s->end : s->pos, "at the end of its scope");
}

void sg_gen_block(struct sem *S, struct ast_stmt *b)
{
	uint32_t n = S->fn->nvars;
	int said = 0;
	for (uint32_t i = 0; i < b->nkids; i++) {
		if (!S->fn->reachable && !said) {
			sg_diag_err(S->d, b->kids[i]->pos, "unreachable code");
			said = 1;
		}
		gen_stmt(S, b->kids[i]);
	}
	sg_var_pop(S, n, b->end, "at the end of its scope");
}

static void zero_init(struct sem *S, struct ast_stmt *s, uint32_t local, uint32_t t)
{
	if (sg_ty_int(t) || t == SIL_T_BOOL)
		sg_fn_op(S, OP_CONST, local, 0, 0);
	else if (t == SIL_T_F64)
		sg_fn_op(S, OP_FCONST, local, sg_sem_kf64(S, 0.0), 0);
	else if (sg_ty_gcref(S, t))
		sg_fn_op(S, OP_NULL, local, 0, 0);
	else if (!sg_sem_linear(S, t) && t != TY_BAD)
		sg_diag_err(S->d, s->npos, "'%s' needs an initial value", s->name);
}

static void gen_var(struct sem *S, struct ast_stmt *s)
{
	uint32_t t = s->type ? sg_sem_type(S, s->type, TC_LOCAL) : NOWANT;
	struct val v = sg_val_bad();
	if (t == SIL_T_VOID && s->type) {
		sg_diag_err(S->d, s->type->pos, "a variable cannot be void");
		t = TY_BAD;
	}
	if (s->e) {
		char what[200];
		snprintf(what, sizeof what, "the initial value of '%s'", s->name);
		v = s->type ? sg_gen_value(S, s->e, t, what) : sg_gen_expr(S, s->e, NOWANT);
		if (!s->type)
			t = v.type;
		if (t == SIL_T_VOID) {
			sg_diag_err(S->d, s->e->pos, "this expression has no value to store in '%s'", s->name);
			t = TY_BAD;
		}
	}
	uint32_t local = sg_fn_local(S, t);
	int k = sg_var_add(S, s->name, s->npos, t, local);
	struct var *x = &S->fn->vars[k];
	if (!s->e) {
		zero_init(S, s, local, t);
	} else if (v.type != TY_BAD) {
		sg_fn_op(S, OP_MOV, local, v.r, 0);
		if (x->linear) {
			x->st = O_OWNED;
			x->eps = v.eps;
		}
	} else {
		x->bad = 1;   /* after an error: no follow-on reports about it */
	}
}

static void gen_var2(struct sem *S, struct ast_stmt *s)
{
	struct ast_expr *e = s->e;
	struct scontract *c = NULL;
	if (e->kind == E_METHOD && e->a->kind == E_NAME && !strcmp(e->str, "NewChannel"))
		c = sg_sem_contract(S, e->a->str);
	if (!c || e->nargs) {
		sg_diag_err(S->d, e->pos, "'var (imp, exp) = ...' needs Contract.NewChannel()");
		return;
	}
	uint32_t t[2], l[2];
	const char *names[2] = {s->name, s->name2};
	struct pos at[2] = {s->npos, s->npos2};
	for (int i = 0; i < 2; i++) {
		t[i] = sg_sem_intern(S, &(struct sil_type){.kind = SIL_TK_ENDPOINT, .contract = c->idx,
		                                        .side = (uint8_t)i, .state = 0});
		l[i] = sg_fn_local(S, t[i]);
	}
	sg_fn_op(S, OP_CHNEW, l[0], l[1], 0);
	for (int i = 0; i < 2; i++) {
		int k = sg_var_add(S, names[i], at[i], t[i], l[i]);
		S->fn->vars[k].st = O_OWNED;
	}
}

static void gen_exprstmt(struct sem *S, struct ast_stmt *s)
{
	if (s->e->kind != E_CALL && s->e->kind != E_METHOD) {
		sg_diag_err(S->d, s->pos, "this expression does nothing: only calls can be statements");
		return;
	}
	struct val v = sg_gen_expr(S, s->e, NOWANT);
	if (v.type != TY_BAD && sg_sem_linear(S, v.type))
		sg_diag_err(S->d, s->pos, "the linear result of this call is lost (store, send or delete it)");
}

/* The right-hand side of an assignment: e for `=`; for lhs op= e, lhs++
 * and lhs--, `cur op e` where cur reads the place's current value (the
 * variable itself, or a local the place was loaded into once). */
static struct ast_expr *compound(struct sem *S, struct ast_stmt *s, struct ast_expr *cur)
{
	static const int ops[][2] = {
		{T_PLUSEQ, T_PLUS}, {T_MINUSEQ, T_MINUS}, {T_STAREQ, T_STAR}, {T_SLASHEQ, T_SLASH},
		{T_PERCENTEQ, T_PERCENT}, {T_ANDEQ, T_AMP}, {T_OREQ, T_PIPE}, {T_XOREQ, T_CARET},
		{T_SHLEQ, T_SHL}, {T_SHREQ, T_SHR}, {T_INC, T_PLUS}, {T_DEC, T_MINUS},
	};
	if (s->op == T_ASSIGN)
		return s->e;
	struct ast_expr *b = arena_alloc(S->ar, sizeof *b);
	b->kind = E_BINARY;
	b->pos = s->pos;
	b->a = cur;
	for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++)
		if (ops[k][0] == s->op)
			b->op = ops[k][1];
	b->b = s->e;
	if (!b->b) {
		b->b = arena_alloc(S->ar, sizeof *b->b);
		b->b->kind = E_INT;
		b->b->ival = 1;
		b->b->pos = s->pos;
	}
	return b;
}

void sg_gen_store_var(struct sem *S, int v, struct val x, struct pos at)
{
	struct var *var = &S->fn->vars[v];
	if (var->linear && var->st == O_BORROWED) {
		sg_diag_err(S->d, at, "'%s' is borrowed: it cannot be assigned", var->name);
		return;
	}
	if (var->linear && var->st != O_EMPTY) {
		sg_diag_err(S->d, at, "assigning to '%s' would lose the value it owns "
		         "(delete or move it first)", var->name);
		return;
	}
	sg_fn_op(S, OP_MOV, var->local, x.r, 0);
	if (var->linear) {
		var->st = O_OWNED;
		var->eps = x.eps;
	}
}

/* A place already evaluated, for compound(): its value loaded into a new
 * local by op (ldfld obj, n or ldelem arr, idx). */
static struct ast_expr *loaded(struct sem *S, struct ast_stmt *s, uint32_t type, int op,
                               uint32_t obj, int64_t at)
{
	if (s->op == T_ASSIGN)
		return NULL;
	struct ast_expr *e = arena_alloc(S->ar, sizeof *e);
	e->kind = E_LOCAL;
	e->pos = s->lhs->pos;
	e->ltype = type;
	e->local = sg_fn_local(S, type);
	sg_fn_op(S, op, e->local, obj, at);
	return e;
}

static void assign_field(struct sem *S, struct ast_stmt *s)
{
	struct ast_expr *l = s->lhs;
	uint32_t mark = S->fn->nbors;
	struct val o = sg_gen_obj(S, l->a);
	int k = sg_sem_kind(S, o.type);
	char buf[160];
	if (o.type != TY_BAD && k != SIL_TK_STRUCT && k != SIL_TK_XSTRUCT)
		sg_diag_err(S->d, l->pos, "%s has no field '%s'", sg_sem_tname(S, o.type, buf), l->str);
	if (o.type == TY_BAD || (k != SIL_TK_STRUCT && k != SIL_TK_XSTRUCT)) {
		sg_bor_end(S, mark);
		return;
	}
	const struct sil_type *t = sg_sem_tt(S, o.type);
	int n = -1;
	for (uint32_t i = 0; i < t->nfields; i++)
		if (!strcmp(t->fields[i].name, l->str))
			n = (int)i;
	if (n < 0) {
		sg_diag_err(S->d, l->pos, "%s has no field '%s'", sg_sem_tname(S, o.type, buf), l->str);
		sg_bor_end(S, mark);
		return;
	}
	uint32_t ft = t->fields[n].type;
	if (s->op != T_ASSIGN && sg_sem_linear(S, ft)) {
		sg_diag_err(S->d, l->pos, "field '%s' is linear: arithmetic cannot update it", l->str);
		sg_bor_end(S, mark);
		return;
	}
	char what[200];
	snprintf(what, sizeof what, "the value stored in '%s'", l->str);
	struct ast_expr *rhs = compound(S, s, loaded(S, s, ft, OP_LDFLD, o.r, n));
	struct val v = sg_gen_into(S, rhs, ft, what);
	if (v.type != TY_BAD && sg_sem_linear(S, ft)) {
		/* xput needs the struct itself, owned: a variable, not a borrow. */
		if (o.var < 0 || S->fn->vars[o.var].st != O_OWNED)
			sg_diag_err(S->d, l->pos, "a linear field can only be stored into an owned variable's struct");
		else
			sg_fn_op(S, OP_XPUT, o.r, n, v.r);
	} else if (v.type != TY_BAD) {
		sg_fn_op(S, OP_STFLD, o.r, n, v.r);
	}
	sg_bor_end(S, mark);
}

static void gen_assign(struct sem *S, struct ast_stmt *s)
{
	struct ast_expr *l = s->lhs;
	if (l->kind == E_NAME) {
		int v = sg_var_find(S, l->str);
		if (v < 0) {
			sg_diag_err(S->d, l->pos, "undefined name '%s'", l->str);
			return;
		}
		char what[200];
		snprintf(what, sizeof what, "the value assigned to '%s'", l->str);
		struct val x = sg_gen_value(S, compound(S, s, l), S->fn->vars[v].type, what);
		if (x.type != TY_BAD)
			sg_gen_store_var(S, v, x, l->pos);
	} else if (l->kind == E_FIELD) {
		assign_field(S, s);
	} else if (l->kind == E_INDEX) {
		uint32_t mark = S->fn->nbors;
		struct val o, i;
		uint32_t et = sg_gen_index_parts(S, l, &o, &i);
		if (et != TY_BAD && o.type == SIL_T_STRING) {
			sg_diag_err(S->d, l->pos, "strings are immutable");
		} else if (et != TY_BAD) {
			struct ast_expr *rhs = compound(S, s, loaded(S, s, et, OP_LDELEM, o.r, i.r));
			struct val v = sg_gen_into(S, rhs, et, "the element stored");
			if (v.type != TY_BAD)
				sg_fn_op(S, OP_STELEM, o.r, i.r, v.r);
		}
		sg_bor_end(S, mark);
	} else {
		sg_diag_err(S->d, l->pos, "cannot assign to this expression");
	}
}

static void gen_if(struct sem *S, struct ast_stmt *s)
{
	struct fn *f = S->fn;
	uint32_t c = sg_gen_cond(S, s->e), lelse = sg_fn_label(S);
	sg_fn_jump(S, OP_JF, c, lelse);
	struct snap after;
	sg_own_snap(S, &after);
	struct join j;
	sg_join_init(S, &j, s->pos);
	gen_scoped(S, s->then);
	sg_join_add(S, &j);
	if (s->els) {
		uint32_t lend = sg_fn_label(S);
		if (f->reachable)
			sg_fn_jump(S, OP_JMP, 0, lend);
		sg_fn_place(S, lelse);
		sg_own_restore(S, &after);
		gen_scoped(S, s->els);
		sg_join_add(S, &j);
		sg_fn_place(S, lend);
	} else {
		/* The false edge arrives with the states after the condition. */
		sg_fn_place(S, lelse);
		f->reachable = 1;
		sg_own_restore(S, &after);
		sg_join_add(S, &j);
	}
	sg_join_apply(S, &j);
}

static int const_true(const struct ast_expr *e)
{
	return !e || (e->kind == E_BOOL && e->ival);
}

/* while and for: header (fall-through), condition, body, continue point,
 * step, back-edge; the body's end must bring the header's states. */
static void gen_loop(struct sem *S, struct ast_stmt *s)
{
	struct fn *f = S->fn;
	uint32_t n = f->nvars;
	if (s->init)
		gen_stmt(S, s->init);
	struct loop L = {f->loop, f->nvars, sg_fn_label(S), sg_fn_label(S), {0}, {0}};
	uint32_t head = sg_fn_label(S);
	sg_join_init(S, &L.jbrk, s->pos);
	sg_join_init(S, &L.jcont, s->pos);
	sg_fn_place(S, head);
	struct snap entry;
	sg_own_snap(S, &entry);
	if (!const_true(s->e)) {
		uint32_t c = sg_gen_cond(S, s->e);
		sg_fn_jump(S, OP_JF, c, L.brk);
		sg_join_add(S, &L.jbrk);
	}
	f->loop = &L;
	gen_scoped(S, s->then);
	f->loop = L.outer;
	sg_join_add(S, &L.jcont);
	sg_fn_place(S, L.cont);
	sg_join_apply(S, &L.jcont);
	if (f->reachable) {
		if (s->step)
			gen_stmt(S, s->step);
		sg_own_compare(S, &entry, L.nvars, s->pos);
		sg_fn_jump(S, OP_JMP, 0, head);
	}
	sg_fn_place(S, L.brk);
	sg_join_apply(S, &L.jbrk);
	sg_var_pop(S, n, s->pos, "at the end of the loop");
}

static void gen_jump(struct sem *S, struct ast_stmt *s)
{
	struct loop *L = S->fn->loop;
	int brk = s->kind == S_BREAK;
	if (!L) {
		sg_diag_err(S->d, s->pos, "'%s' outside a loop", brk ? "break" : "continue");
		return;
	}
	sg_own_leaks(S, L->nvars, s->pos, brk ? "at 'break'" : "at 'continue'");
	sg_join_add(S, brk ? &L->jbrk : &L->jcont);
	sg_fn_jump(S, OP_JMP, 0, brk ? L->brk : L->cont);
}

/* Leaving the function: every owned linear variable must be empty, every
 * borrowed endpoint back in its declared state. */
static void check_exit(struct sem *S, struct pos at)
{
	struct fn *f = S->fn;
	sg_own_leaks(S, 0, at, "at return");
	for (uint32_t i = 0; i < f->sf->a->nparams && i < f->nvars; i++) {
		struct var *v = &f->vars[i];
		const struct sil_type *t = sg_sem_tt(S, v->type);
		if (!v->borrowed || !t || t->kind != SIL_TK_ENDPOINT || v->eps == (int32_t)t->state)
			continue;
		const struct sil_contract *c = &S->pkg->contracts[t->contract];
		char buf[160];
		sg_diag_err(S->d, at, "borrowed endpoint '%s' must be given back in state %s, but it is %s",
		         v->name, c->states[t->state].name, sg_own_describe(S, (int)i, v->st, v->eps, buf));
	}
}

static void gen_return(struct sem *S, struct ast_stmt *s)
{
	struct sfunc *sf = S->fn->sf;
	char buf[160];
	if (!s->e) {
		if (sf->ret != SIL_T_VOID)
			sg_diag_err(S->d, s->pos, "'%s' must return a value of type %s", sf->a->name,
			         sg_sem_tname(S, sf->ret, buf));
		check_exit(S, s->pos);
		sg_fn_op(S, OP_RET, 0, 0, 0);
		return;
	}
	if (sf->ret == SIL_T_VOID) {
		sg_diag_err(S->d, s->pos, "'%s' returns no value", sf->a->name);
		return;
	}
	struct val v = sg_gen_into(S, s->e, sf->ret, "the return value");
	check_exit(S, s->pos);
	sg_fn_op(S, OP_RETV, v.r, 0, 0);
}

static void gen_delete(struct sem *S, struct ast_stmt *s)
{
	struct ast_expr *e = s->e;
	char buf[160];
	int v = e->kind == E_NAME ? sg_var_find(S, e->str) : -1;
	if (v >= 0 && S->fn->vars[v].linear) {
		struct var *x = &S->fn->vars[v];
		if (x->bad)
			return;
		if (x->st == O_EMPTY || x->st == O_BORROWED || x->bcount) {
			sg_diag_err(S->d, e->pos, x->st == O_EMPTY ? "use of moved value '%s'"
			            : x->st == O_BORROWED ? "'%s' is borrowed: it cannot be deleted"
			            : "cannot delete '%s' while it is borrowed", x->name);
			return;
		}
		sg_fn_op(S, OP_DELETE, x->local, 0, 0);
		x->st = O_EMPTY;
		return;
	}
	struct val x = sg_gen_expr(S, e, NOWANT);
	if (x.type == TY_BAD)
		return;
	if (!sg_sem_linear(S, x.type)) {
		sg_diag_err(S->d, e->pos, "only exheap values and endpoints are deleted, not %s "
		         "(the GC frees the rest)", sg_sem_tname(S, x.type, buf));
		return;
	}
	sg_fn_op(S, OP_DELETE, x.r, 0, 0);
}

static void gen_spawn(struct sem *S, struct ast_stmt *s)
{
	if (s->e->kind != E_CALL) {
		sg_diag_err(S->d, s->e->pos, "spawn needs a function call, as in 'spawn worker(1);'");
		return;
	}
	sg_gen_call(S, s->e, 1);
}

static void gen_blockstmt(struct sem *S, struct ast_stmt *s)
{
	sg_gen_block(S, s);
}

static void (*const stmts[])(struct sem *, struct ast_stmt *) = {
	[S_BLOCK] = gen_blockstmt, [S_VAR] = gen_var, [S_VAR2] = gen_var2,
	[S_EXPR] = gen_exprstmt, [S_ASSIGN] = gen_assign, [S_IF] = gen_if,
	[S_WHILE] = gen_loop, [S_FOR] = gen_loop, [S_BREAK] = gen_jump,
	[S_CONTINUE] = gen_jump, [S_RETURN] = gen_return, [S_DELETE] = gen_delete,
	[S_SPAWN] = gen_spawn, [S_RECEIVE] = sg_gen_receive,
};

static void gen_stmt(struct sem *S, struct ast_stmt *s)
{
	if (!sg_diag_full(S->d))
		stmts[s->kind](S, s);
}

void sg_gen_func(struct sem *S, struct sfunc *sf)
{
	struct ast_func *a = sf->a;
	struct sil_func *F = &S->pkg->funcs[sf->idx];
	F->name = sil_strndup(S->pkg, a->name, strlen(a->name));
	F->nparams = a->nparams;
	F->pflags = sil_alloc(S->pkg, a->nparams + 1);
	F->ret = sf->ret == TY_BAD ? SIL_T_VOID : sf->ret;
	if (!sf->ok)
		return;
	struct fn f;
	sg_fn_begin(S, &f, sf);
	for (uint32_t i = 0; i < a->nparams; i++) {
		uint32_t local = sg_fn_local(S, sf->ptypes[i]);
		int k = sg_var_add(S, a->params[i].name, a->params[i].pos, sf->ptypes[i], local);
		struct var *v = &f.vars[k];
		v->borrowed = a->params[i].borrow;
		F->pflags[i] = v->borrowed ? SIL_P_BORROW : 0;
		if (v->linear)
			v->st = v->borrowed ? O_BORROWED : O_OWNED;
	}
	sg_gen_block(S, a->body);
	if (f.reachable) {
		if (sf->ret != SIL_T_VOID) {
			sg_diag_err(S->d, a->body->end, "'%s' must return a value: its end is reachable",
			         a->name);
		} else {
			check_exit(S, a->body->end);
			sg_fn_op(S, OP_RET, 0, 0, 0);
		}
	}
	sg_fn_end(S);
}
