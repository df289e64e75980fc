# bash completion for eportctl (installed as share/bash-completion/completions/eportctl)

_eportctl_tokens() {
    # Card IDs from the running eportd; quiet and quick when it is not there.
    local socket_args=()
    [[ -n $1 ]] && socket_args=(--socket "$1")
    timeout 2 eportctl "${socket_args[@]}" --json tokens 2>/dev/null |
        sed -n 's/^ *"id": *"\([^"]*\)".*/\1/p'
}

_eportctl_slots() {
    # The slots of token $2 as the token itself lists them (token.status `slots`).
    local socket_args=()
    [[ -n $1 ]] && socket_args=(--socket "$1")
    [[ -n $2 ]] || return
    timeout 3 eportctl "${socket_args[@]}" call token.status "{\"token\":\"$2\"}" 2>/dev/null |
        sed -n 's/^ *"slot": *"\([^"]*\)".*/\1/p' | sort -u
}

_eportctl() {
    # Works with or without the bash-completion package.
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
    local words=("${COMP_WORDS[@]}") cword=$COMP_CWORD

    local commands="status tokens readers check unlock renew change-pin verify-pin watch doctor audit call open"
    local globals="--socket --json --lang --version --help"
    local cmd="" socket="" token="" i
    for ((i = 1; i < cword; i++)); do
        case ${words[i]} in
            --socket) socket=${words[i + 1]} ;;
            -*) ;;
            *) if [[ -z $cmd && ${words[i - 1]} != --socket && ${words[i - 1]} != --lang ]]; then cmd=${words[i]}
               elif [[ -n $cmd && -z $token && ${words[i - 1]} != --* ]]; then token=${words[i]}; fi ;;
        esac
    done

    case $prev in
        --socket) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --lang) COMPREPLY=($(compgen -W "en zh" -- "$cur")); return ;;
        --cert|--bundle) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --slot) COMPREPLY=($(compgen -W "$(_eportctl_slots "$socket" "$token")" -- "$cur")); return ;;
        --warn-days|-n|--limit|--lines) return ;;
    esac

    if [[ -z $cmd ]]; then
        COMPREPLY=($(compgen -W "$commands $globals" -- "$cur"))
        return
    fi

    local opts=""
    case $cmd in
        check) opts="--warn-days" ;;
        unlock) opts="--puk-stdin" ;;
        renew) opts="--slot --cert --reset-pin --yes --force --puk-stdin --with-pin" ;;
        change-pin|verify-pin) opts="--stdin" ;;
        doctor) opts="--bundle --lines" ;;
        audit) opts="-n --limit" ;;
        call)
            if [[ $cur != -* ]]; then
                COMPREPLY=($(compgen -W "session.hello daemon.info readers.list tokens.list token.status cert.read cert.check pin.reset pin.change cert.write events.subscribe drivers.list diag.report audit.tail guidance.get metrics.get" -- "$cur"))
                return
            fi ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$opts $globals" -- "$cur"))
        return
    fi
    case $cmd in
        status|check|unlock|renew|change-pin|verify-pin)
            COMPREPLY=($(compgen -W "$(_eportctl_tokens "$socket")" -- "$cur")) ;;
    esac
}
complete -F _eportctl eportctl
