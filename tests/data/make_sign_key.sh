#!/bin/sh
# Test signing keys: a throwaway CA and, for each unit code given, DIR/<code>.pem holding
# the unit's private key, its certificate (issued by the CA) and the CA's certificate, mode
# 600 as `suotdoi serve --sign-keys DIR` wants. Usage: make_sign_key.sh DIR CODE [CODE...]
set -eu
dir=$1
shift
mkdir -p "$dir/ca"
cd "$dir/ca"
if [ ! -f ca.pem ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key \
    -out ca.pem -days 3650 -utf8 -subj "/C=VN/O=Suotdoi/CN=CA thử nghiệm" 2>/dev/null
fi
for code in "$@"; do
  openssl req -newkey rsa:2048 -nodes -keyout "$code.key" -out "$code.csr" -utf8 \
    -subj "/C=VN/O=Suotdoi/CN=Đơn vị $code" 2>/dev/null
  openssl x509 -req -in "$code.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days 365 \
    -out "$code.crt" 2>/dev/null
  umask 077
  cat "$code.key" "$code.crt" ca.pem > "../$code.pem"
  chmod 600 "../$code.pem"
done
