"""Contact restrictions for unreasonable behaviour (docs/adr/0020-contact-restrictions.md): the
facts of one restriction on a resident, its review and its one challenge, decided and folded
without I/O. Not yet stored or served: the shell comes next."""
